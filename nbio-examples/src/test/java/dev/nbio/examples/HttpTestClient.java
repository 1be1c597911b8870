package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw-socket HTTP client for the HTTP example's tests: it writes exactly the bytes a test
 * gives it and reads responses the simple way (head up to the empty line, then
 * Content-Length bytes), so tests see what the server really sent.
 */
final class HttpTestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    private HttpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Connects with reads bounded by {@link EchoClients#LIMIT}, so a silent server fails the test. */
    static HttpTestClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout((int) EchoClients.LIMIT.toMillis());
        socket.setTcpNoDelay(true);
        return new HttpTestClient(socket);
    }

    static HttpTestClient connect(HttpServer server) throws IOException {
        return connect(server.address());
    }

    /** A GET of {@code path}, HTTP/1.1, with only a Host header. */
    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads one response with its Content-Length body. */
    Response read() throws IOException {
        return read(true);
    }

    /** Reads one response to a HEAD request: the head only, whatever Content-Length says. */
    Response readHead() throws IOException {
        return read(false);
    }

    private Response read(boolean withBody) throws IOException {
        String statusLine = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            assertTrue(colon > 0, "header line without a colon: " + line);
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            assertTrue(headers.put(name, line.substring(colon + 1).strip()) == null, "repeated header " + name);
        }
        byte[] body = new byte[0];
        if (withBody) {
            String length = headers.get("content-length");
            assertTrue(length != null, "a response without Content-Length: " + statusLine + " " + headers);
            body = readExactly(Integer.parseInt(length));
        }
        return new Response(statusLine, headers, body);
    }

    /** Reads exactly {@code length} raw bytes. */
    byte[] readBytes(int length) throws IOException {
        return readExactly(length);
    }

    /** Asserts that the server closes the connection: end of stream, not a reset and not more bytes. */
    void assertClosedByServer() throws IOException {
        assertEquals(-1, in.read(), "the server should have closed the connection");
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the connection in a response head after: " + line);
            }
            if (c == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                assertTrue(text.endsWith("\r"), "the server ends lines with CRLF: " + text);
                return text.substring(0, text.length() - 1);
            }
            line.write(c);
        }
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("the body ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** A response as read off the wire; header names in lower case. */
    record Response(String statusLine, Map<String, String> headers, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ", 3)[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** How many bytes the response took on the wire: each line as read, with its CRLF, and the body. */
        int wireLength() {
            int length = statusLine.length() + 2 + 2 + body.length;
            for (Map.Entry<String, String> header : headers.entrySet()) {
                length += header.getKey().length() + 2 + header.getValue().length() + 2;
            }
            return length;
        }
    }
}
