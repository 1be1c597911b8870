package dev.nbio.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code nbio --version} prints: nbio's version (from the build) and the Java runtime. */
final class NbioVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "nbio " + nbioVersion(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    /** The project version, which Maven writes into {@code version.properties} at build time. */
    static String nbioVersion() {
        try (InputStream in = NbioVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(unknown version)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nbio's version.properties", e);
        }
    }
}
