package io.tollgate.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stops and starts a running PostgreSQL (the embedded one a test's server started) as an operator
 * would: a fast shutdown, then a start with the very options it ran with (PostgreSQL writes them to
 * postmaster.opts). As root, PostgreSQL runs in its own user namespace, as the embedded library does.
 * Also ends backends, as pg_terminate_backend does for a failover or an idle-connection reaper.
 */
public final class PostgresControl {
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final Path dataDir;
    private final Path binary;
    private final List<String> options;

    private PostgresControl(Path dataDir, Path binary, List<String> options) {
        this.dataDir = dataDir;
        this.binary = binary;
        this.options = options;
    }

    /** The server behind this connection; its data directory must be local. */
    public static PostgresControl of(JdbcClient jdbc) throws IOException {
        Path dataDir = Path.of(jdbc.sql("SHOW data_directory").query(String.class).single());
        String opts = Files.readString(dataDir.resolve("postmaster.opts")).strip();
        Path binary = Path.of(opts.substring(0, opts.indexOf(' ')));
        List<String> args = new ArrayList<>();
        Matcher m = QUOTED.matcher(opts.substring(opts.indexOf(' ')));
        while (m.find()) args.add(m.group(1));
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-D")) i++; // given again on start
            else options.add(args.get(i));
        }
        return new PostgresControl(dataDir, binary, options);
    }

    /** Ends every backend of these application names (all client backends if none given), waiting until they are gone; how many. */
    public static int terminate(JdbcClient jdbc, String... applicationNames) {
        String filter = applicationNames.length == 0 ? "" : " AND application_name = ANY (?)";
        var sql = jdbc.sql("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" + filter);
        return (applicationNames.length == 0 ? sql : sql.param(applicationNames)).query(Integer.class).single();
    }

    /** Fast shutdown (every session ended, what a restart or failover does); returns when it is gone. */
    public void stop() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        run(List.of("kill", "-INT", Long.toString(pid)));
        if (postmaster.isPresent()) postmaster.get().onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** Starts it again with the options it ran with; returns once it accepts connections. */
    public void start() throws IOException, InterruptedException {
        Path pgCtl = binary.resolveSibling("pg_ctl");
        String opts = options.stream().map(o -> "'" + o.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        List<String> command = new ArrayList<>();
        if (isRoot()) command.addAll(List.of("unshare", "-U"));
        command.addAll(List.of(pgCtl.toString(), "-D", dataDir.toString(), "-l", dataDir.resolveSibling("restart.log").toString(),
                "-w", "-t", "60", "-o", opts, "start"));
        run(command);
    }

    /** Stops, waits, starts: a restart with the database away for {@code down}. */
    public void restart(Duration down) throws IOException, InterruptedException {
        stop();
        Thread.sleep(down.toMillis());
        start();
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes()).strip();
        id.waitFor();
        return uid.equals("0");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + output);
    }
}
