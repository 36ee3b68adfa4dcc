package dev.nscope.settings;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of nscope is: its version and the git revision it was built from, read from the two
 * files the build writes into the jar ({@code META-INF/build-info.properties} by spring-boot-maven-plugin's
 * build-info goal, {@code git.properties} by git-commit-id-maven-plugin). Read without Spring, so
 * {@code nscope version} answers at once; {@code /actuator/info} shows the same files through Boot. A tree
 * built without {@code .git} has no {@code git.properties}: the revision is then {@value #UNKNOWN}.
 *
 * @param version  the Maven version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param revision the full commit id, or {@value #UNKNOWN}
 * @param built    when the jar was built (ISO-8601), or {@value #UNKNOWN}
 */
public record BuildInfo(String version, String revision, String built) {
    public static final String UNKNOWN = "unknown";
    private static final BuildInfo CURRENT = read(BuildInfo.class.getClassLoader());

    /** This build's facts, read once. */
    public static BuildInfo current() {
        return CURRENT;
    }

    static BuildInfo read(ClassLoader loader) {
        Properties build = load(loader, "META-INF/build-info.properties");
        Properties git = load(loader, "git.properties");
        String version = build.getProperty("build.version");
        if (version == null) {
            // run from classes an IDE compiled: the jar's manifest, if any
            version = BuildInfo.class.getPackage().getImplementationVersion();
        }
        return new BuildInfo(orUnknown(version), orUnknown(git.getProperty("git.commit.id")), orUnknown(build.getProperty("build.time")));
    }

    /** The line {@code nscope version} prints. */
    public String line() {
        return "nscope, version " + version + " (revision: " + revision + ", built: " + built + ", java: "
                + System.getProperty("java.version") + ")";
    }

    private static Properties load(ClassLoader loader, String resource) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            // a damaged file reads as an absent one: the facts are then unknown
        }
        return p;
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s.strip();
    }
}
