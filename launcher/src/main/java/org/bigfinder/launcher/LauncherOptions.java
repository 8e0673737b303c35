package org.bigfinder.launcher;

import java.nio.file.Path;

/** Command-line options of the launcher; every option has a safe default except the database home. */
record LauncherOptions(Path home, String boltAddress, int boltPort, String pageCache,
                       String transactionMemory, Path pluginDirectory) {

    static final String USAGE = "usage: Main --home DIR [--bolt-address 127.0.0.1] [--bolt-port 7687]"
            + " [--pagecache 512m] [--tx-memory 256m] [--plugins DIR]  (password on stdin)";

    static LauncherOptions parse(String[] args) {
        Path home = null;
        String address = "127.0.0.1";
        int port = 7687;
        String pageCache = "512m";
        String txMemory = "256m";
        Path plugins = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--home" -> home = Path.of(value).toAbsolutePath();
                case "--bolt-address" -> address = value;
                case "--bolt-port" -> port = parsePort(value);
                case "--pagecache" -> pageCache = value;
                case "--tx-memory" -> txMemory = value;
                case "--plugins" -> plugins = Path.of(value).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home is required");
        }
        return new LauncherOptions(home, address, port, pageCache, txMemory, plugins);
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--bolt-port must be 1-65535, got " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--bolt-port must be a number, got " + value, e);
        }
    }
}
