package dev.nbio.examples;

import static dev.nbio.examples.HttpRequestParser.ERROR;
import static dev.nbio.examples.HttpRequestParser.NEED_MORE;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpRequestParser} on its own: offsets, incomplete heads, pipelining, limits and every refusal. */
class HttpRequestParserTest {
    private static final String SIMPLE = "GET /plaintext?x=1 HTTP/1.1\r\nHost: example.test\r\nAccept:  */*  \r\n\r\n";

    private final HttpRequestParser parser = new HttpRequestParser(8, 1000);

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private int parseAll(String text) {
        ByteBuffer buffer = bytes(text);
        return parser.parse(buffer, 0, buffer.limit());
    }

    private void assertRefused(String request, HttpStatus expected) {
        assertEquals(ERROR, parseAll(request), request);
        assertEquals(expected, parser.error(), request);
    }

    @Test
    void recordsMethodTargetVersionAndHeadersAsOffsets() {
        ByteBuffer buffer = bytes(SIMPLE);
        assertEquals(SIMPLE.length(), parser.parse(buffer, 0, buffer.limit()));
        assertAll(
                () -> assertEquals("GET", parser.method(buffer)),
                () -> assertEquals("/plaintext?x=1", parser.target(buffer)),
                () -> assertTrue(parser.pathIs(buffer, HttpResponses.PLAINTEXT_PATH), "path without the query"),
                () -> assertTrue(parser.methodIs(buffer, HttpRequestParser.GET)),
                () -> assertEquals(1, parser.minorVersion()),
                () -> assertEquals(2, parser.headerCount()),
                () -> assertEquals("Host", SIMPLE.substring(parser.headerNameStart(0), parser.headerNameEnd(0))),
                () -> assertEquals("example.test", parser.header(buffer, "host")),
                () -> assertEquals("*/*", parser.header(buffer, "ACCEPT"), "surrounding whitespace is trimmed"),
                () -> assertEquals(-1, parser.contentLength()),
                () -> assertTrue(parser.keepAlive()),
                () -> assertEquals(0, buffer.position(), "the buffer's position is left alone"));
    }

    @Test
    void acceptsBareLineFeeds() {
        String request = "GET /a HTTP/1.1\nHost: h\nX: y\n\n";
        ByteBuffer buffer = bytes(request);
        assertEquals(request.length(), parser.parse(buffer, 0, buffer.limit()));
        assertEquals("y", parser.header(buffer, "x"));
    }

    @Test
    void skipsEmptyLinesBeforeTheRequestLine() {
        String request = "\r\n\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n";
        ByteBuffer buffer = bytes(request);
        assertEquals(request.length(), parser.parse(buffer, 0, buffer.limit()));
        assertEquals("/a", parser.target(buffer));
    }

    @Test
    void everyProperPrefixNeedsMore() {
        for (int length = 0; length < SIMPLE.length(); length++) {
            HttpRequestParser fresh = new HttpRequestParser(8, 1000);
            ByteBuffer buffer = bytes(SIMPLE);
            assertEquals(NEED_MORE, fresh.parse(buffer, 0, length), "prefix of " + length + " bytes");
        }
    }

    @Test
    void bytesArrivingOneAtATimeParseAsTheWholeHeadWould() {
        ByteBuffer buffer = bytes(SIMPLE);
        for (int end = 1; end < SIMPLE.length(); end++) {
            assertEquals(NEED_MORE, parser.parse(buffer, 0, end), "after " + end + " bytes");
        }
        assertEquals(SIMPLE.length(), parser.parse(buffer, 0, SIMPLE.length()));
        assertEquals("example.test", parser.header(buffer, "host"));
    }

    @Test
    void anIncompleteHeadMayMoveInTheBufferBetweenCalls() {
        String text = "xxxx" + SIMPLE;
        ByteBuffer moved = bytes(text);
        assertEquals(NEED_MORE, parser.parse(bytes(SIMPLE), 0, 20));
        // The connection compacts its buffer between receives: the same bytes, at another start.
        assertEquals(SIMPLE.length(), parser.parse(moved, 4, text.length()));
        assertEquals("/plaintext?x=1", parser.target(moved));
    }

    @Test
    void pipelinedRequestsParseOneAfterAnother() {
        String second = "HEAD /two HTTP/1.1\r\nHost: h\r\n\r\n";
        String both = SIMPLE + second + "GET /thr";
        ByteBuffer buffer = bytes(both);
        int first = parser.parse(buffer, 0, buffer.limit());
        assertEquals(SIMPLE.length(), first);
        assertEquals(second.length(), parser.parse(buffer, first, buffer.limit()));
        assertEquals("HEAD", parser.method(buffer));
        assertEquals("/two", parser.target(buffer));
        assertEquals(NEED_MORE, parser.parse(buffer, first + second.length(), buffer.limit()));
    }

    @Test
    void aMalformedHeaderIsFoundOnceTheHeadCompletes() {
        String request = "GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n";
        ByteBuffer buffer = bytes(request);
        assertEquals(NEED_MORE, parser.parse(buffer, 0, 20));
        assertEquals(ERROR, parser.parse(buffer, 0, request.length()));
        assertEquals(HttpStatus.BAD_REQUEST, parser.error());
    }

    @Test
    void headersUpToTheLimitAreAcceptedAndOneMoreIs431() {
        StringBuilder eight = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 1; i < 8; i++) {
            eight.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(eight.length() + 2, parseAll(eight + "\r\n"));
        assertEquals(8, parser.headerCount());
        assertRefused(eight + "X-8: v\r\n\r\n", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /\r\n\r\n",                                        // HTTP/0.9: no version
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",                   // two spaces
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",                    // not a token
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",                   // leading space
        "GET / HTTX/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.x\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",                   // junk after the version
        "GET / HTTP/1.1\rHost: h\r\n\r\n",                      // CR without LF
        "GET /a\u0000b HTTP/1.1\r\nHost: h\r\n\r\n",            // control byte in the target
        "GET /\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n",              // non-ASCII in the target
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",                   // space before the colon
        "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",         // obsolete line folding
        "GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\u0001b\r\n\r\n",     // control byte in a value
        "GET / HTTP/1.1\r\n\r\n",                               // HTTP/1.1 without Host
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",         // two Hosts
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12a\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
    })
    void malformedRequestsAre400(String request) {
        assertRefused(request, HttpStatus.BAD_REQUEST);
    }

    @Test
    void chunkedBodiesAreNotImplemented() {
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", HttpStatus.NOT_IMPLEMENTED);
        assertRefused("POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: gzip, chunked\r\n\r\n", HttpStatus.NOT_IMPLEMENTED);
    }

    @Test
    void otherMajorVersionsAre505() {
        assertRefused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", HttpStatus.HTTP_VERSION_NOT_SUPPORTED);
    }

    @Test
    void bodiesUpToTheLimitAreAcceptedAndLargerOnesAre413() {
        String head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ";
        assertEquals(head.length() + 8, parseAll(head + "1000\r\n\r\n"));
        assertEquals(1000, parser.contentLength());
        assertEquals(head.length() + 8, parseAll(head + "0007\r\n\r\n"));
        assertEquals(7, parser.contentLength());
        assertRefused(head + "1001\r\n\r\n", HttpStatus.CONTENT_TOO_LARGE);
        assertRefused(head + "123456789012345678901234567890\r\n\r\n", HttpStatus.CONTENT_TOO_LARGE);
    }

    @Test
    void repeatedEqualContentLengthsAreOne() {
        String request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n";
        assertEquals(request.length(), parseAll(request));
        assertEquals(5, parser.contentLength());
    }

    @Test
    void http11KeepsAliveUnlessTheClientSaysClose() {
        parseAll("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertTrue(parser.keepAlive());
        parseAll("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n");
        assertFalse(parser.keepAlive());
    }

    @Test
    void http10ClosesUnlessTheClientAsksForKeepAlive() {
        assertEquals(18, parseAll("GET / HTTP/1.0\r\n\r\n"), "HTTP/1.0 needs no Host");
        assertEquals(0, parser.minorVersion());
        assertFalse(parser.keepAlive());
        parseAll("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(parser.keepAlive());
    }

    @Test
    void anOversizedHeadIs414InTheTarget431InTheHeadersAnd400Elsewhere() {
        String longTarget = "GET /" + "a".repeat(100);
        ByteBuffer buffer = bytes(longTarget);
        assertEquals(NEED_MORE, parser.parse(buffer, 0, buffer.limit()));
        assertEquals(HttpStatus.URI_TOO_LONG, parser.statusForOversizedHead(buffer, 0, buffer.limit()));

        ByteBuffer longHeaders = bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(100));
        assertEquals(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                parser.statusForOversizedHead(longHeaders, 0, longHeaders.limit()));

        ByteBuffer longMethod = bytes("G".repeat(100));
        assertEquals(HttpStatus.BAD_REQUEST, parser.statusForOversizedHead(longMethod, 0, longMethod.limit()));

        ByteBuffer malformed = bytes("GET / HTTP/1.1\r\nBad header\r\nX: " + "v".repeat(100));
        assertEquals(HttpStatus.BAD_REQUEST, parser.statusForOversizedHead(malformed, 0, malformed.limit()));
    }

    @Test
    void aRequestWithoutHeadersAfterTheRequestLineStillNeedsTheEmptyLine() {
        assertEquals(NEED_MORE, parseAll("GET / HTTP/1.0\r\n"));
        assertNull(parser.error());
    }
}
