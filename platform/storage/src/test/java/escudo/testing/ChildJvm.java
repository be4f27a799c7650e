package escudo.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM that a crash test kills hard: started with this JVM's java and class path, killed
 * with SIGKILL ({@link Process#destroyForcibly()} on Linux: no shutdown hook, no orderly close of
 * any file). The child runs its main class through {@link #main}, which ends it when the test's
 * JVM goes away (its standard input closes) or after {@link #LIFETIME}, so a broken run never
 * leaves a process behind holding a database or a port.
 */
public final class ChildJvm implements AutoCloseable {

    /** The longest a child lives, whatever the test does. */
    public static final Duration LIFETIME = Duration.ofMinutes(2);

    private static final int TAIL_LINES = 200;
    private static final long DEATH_TIMEOUT_SECONDS = 20;

    private final Process process;
    private final Predicate<String> ready;
    private final Predicate<String> handled;
    private final ConcurrentLinkedDeque<String> tail = new ConcurrentLinkedDeque<>();
    private final CompletableFuture<Void> readiness = new CompletableFuture<>();
    private final Thread reader;

    private ChildJvm(ProcessBuilder builder, Predicate<String> ready, Predicate<String> handled) throws IOException {
        this.ready = ready;
        this.handled = handled;
        this.process = builder.redirectErrorStream(true).start();
        this.reader = new Thread(this::read, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args}, in {@code directory}, with this process's
     * environment less every {@code ESCUDO_*} variable (the child's settings are the test's alone)
     * plus {@code environment}. {@code ready} tells the line of its output (stdout and stderr) that
     * says it is ready; {@code handled} sees each line first and returns true for those the test
     * reads itself, which are then kept out of the output shown on a failure.
     */
    public static ChildJvm start(String mainClass, List<String> args, Path directory, Map<String, String> environment,
            Predicate<String> ready, Predicate<String> handled) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command")));
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildJvm.class.getName(),
                String.valueOf(LIFETIME.toMillis()), mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ESCUDO_"));
        builder.environment().putAll(environment);
        return new ChildJvm(builder, Objects.requireNonNull(ready, "ready"), Objects.requireNonNull(handled, "handled"));
    }

    /** Waits until the child printed its ready line; fails, with its last output, if it did not in time or ended first. */
    public void awaitReady(Duration timeout, String readyMeans) {
        try {
            readiness.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the child was not ready (" + readyMeans + ") within " + timeout.toSeconds() + " s:\n" + output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for the child");
        } catch (Exception e) {
            fail("the child stopped before it was ready (" + readyMeans + "):\n" + output(), e);
        }
    }

    /** Fails if the child ended by itself. */
    public void assertAlive() {
        if (!process.isAlive()) {
            fail("the child stopped by itself with exit code " + process.exitValue() + ":\n" + output());
        }
    }

    /**
     * Waits until the child ends by itself (a command that runs to its end) and its output is read
     * to the end; returns its exit code, or fails, with its last output, if it did not end in time.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the child did not end within " + timeout.toSeconds() + " s:\n" + output());
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for the child to end");
        }
        return process.exitValue();
    }

    /** The child's process id, for a test that looks at what it holds open (its sockets, under /proc on Linux). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits until the child is gone and its output read to the end. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(DEATH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("the child did not die within " + DEATH_TIMEOUT_SECONDS + " s of being killed");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for the child to die");
        }
    }

    /** The child's last lines of output, less those the test handled. */
    public String output() {
        return String.join("\n", tail);
    }

    /** Kills the child if it still runs (a test that failed half way). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (ready.test(line)) {
                    readiness.complete(null);
                }
                if (handled.test(line)) {
                    continue;
                }
                tail.add(line);
                while (tail.size() > TAIL_LINES) {
                    tail.pollFirst();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The pipe breaks when the child is killed.
        }
        readiness.completeExceptionally(new IllegalStateException("the child's output ended"));
    }

    /**
     * The child's side: {@code lifetimeMillis mainClass args...}. Starts the watchdog, then runs
     * {@code mainClass}'s {@code main} with the remaining arguments (the class may be package-private).
     */
    public static void main(String[] args) throws Throwable {
        startWatchdog(Long.parseLong(args[0]));
        Method main = Class.forName(args[1]).getDeclaredMethod("main", String[].class);
        main.setAccessible(true);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Ends this process when the parent goes away or the run takes far too long. */
    private static void startWatchdog(long lifetimeMillis) {
        Thread stdin = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() != -1) {
                    // The parent writes nothing; end of input means it is gone.
                }
            } catch (IOException e) {
                // Treated as the parent being gone.
            }
            Runtime.getRuntime().halt(3);
        }, "child-jvm-stdin");
        stdin.setDaemon(true);
        stdin.start();
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(lifetimeMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(4);
        }, "child-jvm-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }
}
