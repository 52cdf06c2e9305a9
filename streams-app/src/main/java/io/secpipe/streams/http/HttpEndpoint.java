package io.secpipe.streams.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP endpoint, for orchestrators and Prometheus: {@code /health/live}, {@code /health/ready} (200, or
 * 503 with the reason) and {@code /metrics} (the Prometheus text format). The JDK's server on one thread: probes
 * and scrapes are a few requests a minute.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private HttpEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public static HttpEndpoint start(String host, int port, Health health, Supplier<String> metrics) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IOException("Cannot listen on " + host + ":" + port + " (http.host, http.port; -1 turns it off): " + e, e);
        }
        server.createContext("/health/live", exchange -> probe(exchange, health.notLive()));
        server.createContext("/health/ready", exchange -> probe(exchange, health.notReady()));
        server.createContext("/metrics", exchange -> {
            String text;
            try {
                text = metrics.get();
            } catch (RuntimeException e) {
                log.warn("Cannot render the metrics", e);
                respond(exchange, 500, "text/plain; charset=utf-8", "cannot render the metrics: " + e + "\n");
                return;
            }
            respond(exchange, 200, PROMETHEUS_TEXT, text);
        });
        server.start();
        HttpEndpoint endpoint = new HttpEndpoint(server);
        log.info("HTTP endpoint on {}:{}: /health/live, /health/ready, /metrics", host, endpoint.port());
        return endpoint;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** 200 "ok" when nothing is wrong, else 503 with what is. */
    private static void probe(HttpExchange exchange, String problem) throws IOException {
        if (problem == null) {
            respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
        } else {
            respond(exchange, 503, "text/plain; charset=utf-8", problem + "\n");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
