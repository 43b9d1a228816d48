package io.goalkeeper.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/** An HTTP server of the tests' own on a random loopback port, with a Vert.x of its own: the fakes of outside services run on it. */
public final class LocalHttpServer implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private LocalHttpServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static LocalHttpServer start(Handler<HttpServerRequest> handler) {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        CountDownLatch started = new CountDownLatch(1);
        server.listen(0, "127.0.0.1").onComplete(result -> started.countDown());
        await(started, "start");
        if (server.actualPort() <= 0) {
            throw new IllegalStateException("the test server could not listen");
        }
        return new LocalHttpServer(vertx, server);
    }

    public int port() {
        return server.actualPort();
    }

    /** For timers: a slow answer is sent later on this server's own event loop. */
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        CountDownLatch closed = new CountDownLatch(1);
        vertx.close().onComplete(ignored -> closed.countDown());
        await(closed, "stop");
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test server did not " + what + " in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
