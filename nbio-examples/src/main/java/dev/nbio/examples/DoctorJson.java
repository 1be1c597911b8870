package dev.nbio.examples;

import dev.nbio.BackendInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link Diagnosis} as the JSON {@code nbio doctor --json} prints: the same facts as
 * the text report, with values from {@code /proc} kept as the strings the kernel wrote.
 */
final class DoctorJson {
    private DoctorJson() {
    }

    static String render(Diagnosis d) {
        return Json.write(object(
                "nbioVersion", d.nbioVersion(),
                "os", object("name", d.osName(), "version", d.osVersion(), "arch", d.osArch(),
                        "kernelRelease", d.kernelRelease()),
                "cpus", d.cpus(),
                "java", object("vendor", d.javaVendor(), "version", d.javaVersion(), "home", d.javaHome()),
                "backends", d.backends().stream().map(DoctorJson::backend).toList(),
                "autoSelection", object("backend", d.selection().backend(), "forcedBy", d.selection().forcedBy(),
                        "error", d.selection().error()),
                "fullySupported", d.fullySupported(),
                "linux", d.linux() == null ? null : linux(d.linux())));
    }

    private static Map<String, Object> backend(Diagnosis.BackendCheck check) {
        BackendInfo info = check.info();
        return object("name", info.name(), "priority", info.priority(), "native", info.isNative(),
                "available", info.available(), "cause", info.cause(), "features", info.features(),
                // null when not tried: only available backends are started
                "starts", info.available() ? check.starts() : null, "startFailure", check.startFailure());
    }

    private static Map<String, Object> linux(LinuxFacts f) {
        return object(
                "ioUringDisabled", object("value", f.ioUringDisabled(), "group", f.ioUringGroup(),
                        "meaning", f.ioUringMeaning()),
                "memlock", object("soft", f.memlockSoft(), "hard", f.memlockHard(), "unit", "bytes",
                        "meaning", f.memlockMeaning()),
                "seccomp", object("mode", f.seccompMode(), "filters", f.seccompFilters(),
                        "meaning", f.seccompMeaning()));
    }

    /** An ordered map from alternating keys and values; values may be null (Map.of refuses them). */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
