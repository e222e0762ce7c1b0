package dev.lodestar.drift.sketch;

/** What a profiled column holds, which decides how it is summarised and which drift tests apply. */
public enum ColumnKind {

    /** Real numbers: summarised by a quantiles sketch, count, mean and spread. */
    NUMBER,

    /** Categories or free text: summarised by value frequencies and a distinct count. */
    TEXT
}
