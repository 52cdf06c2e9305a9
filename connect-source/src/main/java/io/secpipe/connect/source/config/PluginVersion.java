package io.secpipe.connect.source.config;

/** The version Connect shows for our connectors: the plugin jar's Implementation-Version, or "dev" in a build tree. */
public final class PluginVersion {
    private PluginVersion() {
    }

    public static String get() {
        String version = PluginVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
