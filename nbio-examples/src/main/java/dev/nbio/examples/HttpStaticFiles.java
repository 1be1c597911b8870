package dev.nbio.examples;

import static dev.nbio.examples.HttpRequestParser.ascii;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Maps request paths to files under the server's root, refusing anything that would leave
 * it. Serving a file opens it, so this path allocates (strings, a {@link Path}); only the
 * plaintext route is allocation free.
 *
 * <p>The path is percent-decoded first, so {@code %2e%2e} is caught as well as {@code ..}:
 * a {@code ..} segment is answered with 400, since a client is expected to have resolved
 * dot segments itself (RFC 3986 5.2.4) and one that did not is either broken or probing.
 * What remains is resolved against the root, normalised, and checked to still lie under it
 * (403 otherwise: {@code //etc/passwd} would otherwise resolve to an absolute path). A path
 * ending in {@code /} names that directory's {@code index.html}. Symbolic links inside the
 * root are followed, as most static servers do.
 */
final class HttpStaticFiles {
    private static final byte[] OCTET_STREAM = contentType("application/octet-stream");
    private static final Map<String, byte[]> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", contentType("text/html; charset=utf-8")),
            Map.entry("htm", contentType("text/html; charset=utf-8")),
            Map.entry("txt", contentType("text/plain; charset=utf-8")),
            Map.entry("md", contentType("text/markdown; charset=utf-8")),
            Map.entry("css", contentType("text/css; charset=utf-8")),
            Map.entry("js", contentType("text/javascript; charset=utf-8")),
            Map.entry("json", contentType("application/json")),
            Map.entry("svg", contentType("image/svg+xml")),
            Map.entry("png", contentType("image/png")),
            Map.entry("jpg", contentType("image/jpeg")),
            Map.entry("jpeg", contentType("image/jpeg")),
            Map.entry("gif", contentType("image/gif")),
            Map.entry("ico", contentType("image/x-icon")),
            Map.entry("wasm", contentType("application/wasm")),
            Map.entry("pdf", contentType("application/pdf")));

    private final Path root;

    /**
     * @param root the directory to serve; made absolute and normalised here
     */
    HttpStaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The file a request path names, or why it is refused. */
    record Target(Path file, byte[] contentType, HttpStatus refusal) {
        static Target refused(HttpStatus status) {
            return new Target(null, null, status);
        }
    }

    /**
     * Resolves the path part {@code [start, end)} of a request target, which starts with {@code /}.
     *
     * @return the file and its {@code Content-Type} line, or a refusal (400 or 403)
     */
    Target resolve(ByteBuffer buffer, int start, int end) {
        String path = percentDecode(buffer, start, end);
        if (path == null || path.indexOf('\0') >= 0 || hasDotDotSegment(path)) {
            return Target.refused(HttpStatus.BAD_REQUEST);
        }
        String relative = path.substring(1) + (path.endsWith("/") ? "index.html" : "");
        Path file;
        try {
            file = root.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            return Target.refused(HttpStatus.BAD_REQUEST);
        }
        if (!file.startsWith(root)) {
            return Target.refused(HttpStatus.FORBIDDEN);
        }
        return new Target(file, contentTypeOf(file), null);
    }

    private static boolean hasDotDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** {@code %XX} decoded, then read as UTF-8; {@code null} for a broken escape. */
    static String percentDecode(ByteBuffer buffer, int start, int end) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
        for (int i = start; i < end; i++) {
            byte c = buffer.get(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int high = i + 2 < end ? Character.digit(buffer.get(i + 1), 16) : -1;
            int low = i + 2 < end ? Character.digit(buffer.get(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                return null;
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] contentTypeOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return OCTET_STREAM;
        }
        return CONTENT_TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }

    private static byte[] contentType(String mediaType) {
        return ascii("Content-Type: " + mediaType + "\r\n");
    }
}
