package io.goalkeeper.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged service as a separate process, started the way operators start it. */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("goalkeeper.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path output;
    private final int port;

    private ServiceProcess(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts the jar with only these settings (plus a free port) from the environment. */
    public static ServiceProcess start(Map<String, String> environment) throws IOException {
        int port = freePort();
        Path output = Files.createTempFile("goalkeeper-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("MP_JWT")
                || name.startsWith("GOALKEEPER_"));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return new ServiceProcess(builder.start(), output, port);
    }

    public static Path jar() {
        return JAR;
    }

    public ServiceProcess awaitReady(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service stopped: " + output());
            }
            try {
                if (get("/q/health/ready", null).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // the port opens once the migrations have run
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready within " + within + ": " + output());
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    public HttpResponse<String> post(String path, String token, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)), token);
    }

    public HttpResponse<String> put(String path, String token, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    /** SIGKILL: the process dies without running any shutdown code. */
    /** A CORS preflight, as a browser on {@code origin} sends it before a {@code method} call. */
    public HttpResponse<String> preflight(String path, String origin, String method) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "authorization"), null);
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process is frozen, as by a long pause or a stopped VM; its sockets, and so its database sessions, stay open. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a frozen process goes on where it stopped. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor() != 0) {
            throw new IOException("could not send SIG" + name + " to " + process.pid());
        }
    }

    /** SIGTERM, then waits for the process to end. */
    public boolean terminate(Duration within) throws InterruptedException {
        process.destroy();
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where the service answers, such as {@code http://127.0.0.1:41234}. */
    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public Process process() {
        return process;
    }

    public String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) throws IOException, InterruptedException {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The address of {@code path} on this process, for clients other than the ones here (such as event streams). */
    public String url(String path) {
        return uri(path).toString();
    }

    private URI uri(String path) {
        return URI.create(baseUri() + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
