package io.secpipe.ops.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the JVM components have in common: the java command and the logging configuration. */
final class Components {
    private Components() {
    }

    /** {@code java} with a heap, the stack's log4j2 configuration and a classpath of the Kafka/Connect jars. */
    static List<String> java(StackSettings settings, String heap, String mainClass, String... args) throws IOException {
        return javaWithClasspath(settings, heap, settings.stackLib().resolve("*").toString(), mainClass, args);
    }

    static List<String> javaWithClasspath(StackSettings settings, String heap, String classpath, String mainClass, String... args)
            throws IOException {
        return javaWithOptions(settings, heap, List.of(), classpath, mainClass, args);
    }

    /** As {@link #javaWithClasspath}, with JVM options ({@code -D...}) before the main class. */
    static List<String> javaWithOptions(StackSettings settings, String heap, List<String> jvmOptions, String classpath, String mainClass,
                                        String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heap, "-Xmx" + heap,
                "-Dlog4j2.configurationFile=" + log4jConfig(settings)));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static Path log4jConfig(StackSettings settings) throws IOException {
        Path file = settings.confDir().resolve("log4j2.properties");
        Files.createDirectories(settings.confDir());
        Files.writeString(file, String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = out",
                // the noisiest INFO loggers: configuration dumps at every client start
                "logger.clientconfig.name = org.apache.kafka.clients.CommonClientConfigs",
                "logger.clientconfig.level = WARN",
                "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
                "logger.config.level = WARN",
                ""));
        return file;
    }
}
