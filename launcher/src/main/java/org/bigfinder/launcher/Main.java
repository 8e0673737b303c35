package org.bigfinder.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.kernel.api.exceptions.ProcedureException;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;

/**
 * Runs Neo4j 5.26 Community embedded, with Bolt on a loopback address and authentication on.
 *
 * <p>The password is read from the first line of standard input, never from the command line, so it does
 * not show in the process list. The process prints one line starting with {@code BIGFINDER_NEO4J_READY}
 * once Bolt accepts connections and shuts the database down cleanly on SIGTERM.
 */
public final class Main {

    static final String READY = "BIGFINDER_NEO4J_READY";
    static final String STOPPED = "BIGFINDER_NEO4J_STOPPED";
    static final String FAILED = "BIGFINDER_NEO4J_FAILED";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(FAILED + " " + e.getMessage());
            System.err.println(LauncherOptions.USAGE);
            System.exit(2);
            return;
        }
        String password = readPassword();
        DatabaseManagementService dbms;
        try {
            dbms = start(options);
            registerProcedures(dbms);
            setPassword(dbms, password);
        } catch (RuntimeException e) {
            System.out.println(FAILED + " " + e.getMessage());
            System.out.flush();
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            System.out.println(STOPPED);
            System.out.flush();
            stopped.countDown();
        }, "bigfinder-neo4j-shutdown"));
        System.out.println(READY + " bolt=" + options.boltAddress() + ":" + options.boltPort()
                + " version=" + Version.getNeo4jVersion() + " edition=community plugins="
                + String.join(",", loadedPlugins(dbms)));
        System.out.flush();
        stopped.await();
    }

    private static String readPassword() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
            System.err.println(FAILED + " no password on standard input");
            System.exit(2);
        }
        return line;
    }

    static DatabaseManagementService start(LauncherOptions options) {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(options.home())
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, SettingValueParsers.BYTES.parse(options.pageCache()))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                        SettingValueParsers.BYTES.parse(options.transactionMemory()))
                // Procedures that need low-level access (APOC, GDS) must be allowed by name.
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*", "gds.*"))
                // Keep transaction logs from growing without bound on a laptop-sized disk.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 days 1G")
                // Bolt waits 5 s for idle connections, then 5 s more for its threads, before shutdown goes on;
                // a local single-user server has nothing to wait for.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address,
                        new SocketAddress(options.boltAddress(), options.boltPort()));
        if (options.pluginDirectory() != null) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, options.pluginDirectory());
        }
        return builder.build();
    }

    /**
     * Registers bigfinder's own procedures (the projection reads). They live in this jar, not in the plugin
     * directory, so they are registered by class; the registry is shared by every database of the DBMS.
     */
    static void registerProcedures(DatabaseManagementService dbms) {
        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.getDependencyResolver().resolveDependency(GlobalProcedures.class)
                    .registerProcedure(ProjectionProcedures.class);
        } catch (ProcedureException e) {
            throw new IllegalStateException("registering bigfinder's procedures failed: " + e.getMessage(), e);
        }
    }

    /** Sets the password of the built-in {@code neo4j} user through the system database. */
    static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to its current value; that is the normal restart case.
            if (!String.valueOf(messageChain(e)).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static String messageChain(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** The plugin families (apoc, gds) whose procedures the running database has registered. */
    static List<String> loadedPlugins(DatabaseManagementService dbms) {
        GraphDatabaseService db = dbms.database("neo4j");
        TreeSet<String> families = new TreeSet<>();
        db.executeTransactionally("SHOW PROCEDURES YIELD name", Map.of(), result -> {
            result.forEachRemaining(row -> {
                String name = (String) row.get("name");
                String family = name.substring(0, Math.max(0, name.indexOf('.')));
                if (family.equals("apoc") || family.equals("gds")) {
                    families.add(family);
                }
            });
            return null;
        });
        return List.copyOf(families);
    }
}
