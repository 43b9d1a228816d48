import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens event streams for many users on one replica, measures what they cost the service's memory,
 * then writes goals of random users from a few writers and measures the delay from each write to its
 * event (the title carries the write's send time in this process's clock).
 * Usage: java bench/StreamLoad.java <port> <private key pem> <service pid> <streams> <writers> <seconds>
 */
public class StreamLoad {

    private static final Pattern SENT = Pattern.compile("\"title\":\"bench (\\d+)\"");

    public static void main(String[] args) throws Exception {
        String base = "http://127.0.0.1:" + args[0];
        PrivateKey key = key(Path.of(args[1]));
        long pid = Long.parseLong(args[2]);
        int streams = Integer.parseInt(args[3]);
        int writers = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        List<String> tokens = new ArrayList<>();
        for (int user = 1; user <= streams; user++) {
            tokens.add(token(key, "stream-user-" + user));
        }
        HttpClient http = HttpClient.newBuilder().build();

        long rssBefore = rssKb(pid);
        long heapBefore = heapAfterGc(pid);
        ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
        AtomicLong events = new AtomicLong();
        List<CompletableFuture<HttpResponse<Stream<String>>>> opened = new ArrayList<>();
        for (String token : tokens) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/goals/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            opened.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()));
        }
        List<Thread> readers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<Stream<String>>> future : opened) {
            HttpResponse<Stream<String>> response = future.get();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("a stream was refused: " + response.statusCode());
            }
            Thread reader = Thread.ofVirtual().start(() -> response.body().forEach(line -> {
                if (line.startsWith("data:")) {
                    Matcher sent = SENT.matcher(line);
                    if (sent.find()) {
                        delays.add(System.nanoTime() - Long.parseLong(sent.group(1)));
                        events.incrementAndGet();
                    }
                }
            }));
            readers.add(reader);
        }
        Thread.sleep(2000);
        long rssOpen = rssKb(pid);
        long heapOpen = heapAfterGc(pid);
        System.out.printf("%d open streams: service resident memory %+d MB (%d -> %d MB), heap after GC %+d MB (%.1f KB a stream)%n",
                streams, (rssOpen - rssBefore) / 1024, rssBefore / 1024, rssOpen / 1024, (heapOpen - heapBefore) / (1024 * 1024),
                (heapOpen - heapBefore) / 1024.0 / streams);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> writing = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            writing.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    String token = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/goals"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"bench " + System.nanoTime() + "\"}"))
                            .build();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        (status == 201 ? written : failed).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(Duration.ofSeconds(seconds).toMillis());
        stop.set(true);
        for (Thread thread : writing) {
            thread.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.get() < written.get() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Long> sorted = new ArrayList<>(delays);
        sorted.sort(null);
        System.out.printf("writes: %d acknowledged (%.0f/s), %d failed; events received: %d%n", written.get(),
                written.get() / (double) seconds, failed.get(), events.get());
        System.out.printf("write to event: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", percentile(sorted, 0.50),
                percentile(sorted, 0.99), percentile(sorted, 1.0));
        System.exit(0);
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /**
     * Heap in use just after a full collection, from jcmd (bytes): G1's one heap, or the serial
     * collector's two generations summed.
     */
    private static long heapAfterGc(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        long total = 0;
        while (used.find()) {
            total += Long.parseLong(used.group(1)) * 1024;
        }
        return total;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    private static PrivateKey key(Path pem) throws Exception {
        String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String token(PrivateKey key, String sub) throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String unsigned = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"sub\":\"" + sub + "\",\"iat\":" + now + ",\"exp\":" + (now + 4 * 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        return unsigned + "." + base64.encodeToString(signature.sign());
    }
}
