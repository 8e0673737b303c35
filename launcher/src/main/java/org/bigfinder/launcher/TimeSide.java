package org.bigfinder.launcher;

/** Where a relationship's time is read (graph/schema.py's RelationshipTime.side), or NONE when not read. */
enum TimeSide {
    NONE, RELATIONSHIP, START, END;

    static TimeSide parse(String side, String property) {
        if (side == null) {
            return NONE;
        }
        if (property == null) {
            throw new IllegalArgumentException("timeSide " + side + " needs a timeProperty");
        }
        return switch (side) {
            case "relationship" -> RELATIONSHIP;
            case "start" -> START;
            case "end" -> END;
            default -> throw new IllegalArgumentException(
                    "timeSide must be relationship, start or end, not " + side);
        };
    }
}
