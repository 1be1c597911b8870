/**
 * The conformance suite: the behaviour every nbio backend owes, as JUnit tests that run
 * against every backend present.
 */
open module dev.nbio.tests {
    requires transitive dev.nbio;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;

    requires jdk.management;

    exports dev.nbio.tck;
}
