package dev.armature.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armature.migration.MigrationParameters;
import dev.armature.migration.MigrationStatus;

/** The migration commands' JSON: {@code query-migrate}'s MigrationInfo and the migration parameters, in QMP's shape. */
final class MigrationReport {
    private MigrationReport() {
    }

    /** QMP's MigrationInfo: empty before any migration; times in ms, {@code ram} counts in bytes and pages. */
    static ObjectNode queryMigrate(ObjectMapper json, MigrationStatus.Info i) {
        ObjectNode r = json.createObjectNode();
        if (i.state() == MigrationStatus.State.NONE) {
            return r;
        }
        r.put("status", i.state().qmpName());
        r.put("total-time", i.totalTime());
        r.put("setup-time", i.setupTime());
        if (i.state() == MigrationStatus.State.COMPLETED) {
            r.put("downtime", i.downtime());
        } else if (i.state() == MigrationStatus.State.ACTIVE) {
            r.put("expected-downtime", i.expectedDowntime());
        }
        if (i.state() == MigrationStatus.State.FAILED) {
            r.put("error-desc", i.error());
        }
        ObjectNode ram = r.putObject("ram");
        ram.put("transferred", i.transferred());
        ram.put("total", i.total());
        ram.put("remaining", i.remaining());
        ram.put("duplicate", i.duplicate());
        ram.put("skipped", 0);
        ram.put("normal", i.normal());
        ram.put("normal-bytes", i.normal() * 4096);
        ram.put("dirty-pages-rate", i.dirtyPagesRate());
        ram.put("mbps", i.mbps());
        ram.put("dirty-sync-count", i.dirtySyncCount());
        ram.put("page-size", 4096);
        return r;
    }

    static ObjectNode queryParameters(ObjectMapper json, MigrationParameters p) {
        ObjectNode r = json.createObjectNode();
        r.put("downtime-limit", p.downtimeLimit());
        r.put("x-max-iterations", p.maxIterations());
        return r;
    }

    /**
     * {@code migrate-set-parameters}: {@code downtime-limit} (ms) and {@code x-max-iterations}; others refused.
     *
     * @throws IllegalArgumentException naming the bad parameter
     */
    static MigrationParameters parameters(JsonNode args, MigrationParameters current) {
        long downtime = current.downtimeLimit();
        int iterations = current.maxIterations();
        for (var it = args.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "downtime-limit" -> downtime = integer(e.getKey(), v);
                case "x-max-iterations" -> iterations = (int) Math.min(integer(e.getKey(), v), Integer.MAX_VALUE);
                default -> throw new IllegalArgumentException("Parameter '" + e.getKey() + "' is unexpected");
            }
        }
        return new MigrationParameters(downtime, iterations);
    }

    private static long integer(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("Parameter '" + name + "' expects an integer");
        }
        return v.asLong();
    }
}
