package io.secpipe.formats;

/**
 * The version Connect shows for a connector or task: the Implementation-Version of the jar its class came from, or
 * "dev" in a build tree. It lives here because connect-source and connect-sink are separate plugins that share only
 * formats; it reads the manifest of the caller's own plugin jar, not formats'.
 */
public final class PluginVersion {

    private PluginVersion() {
    }

    public static String of(Class<?> pluginClass) {
        String version = pluginClass.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
