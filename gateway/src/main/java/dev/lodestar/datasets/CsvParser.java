package dev.lodestar.datasets;

import java.util.ArrayList;
import java.util.List;

import dev.lodestar.graphql.ApiException;

/**
 * A push parser for RFC 4180 CSV: fields separated by commas, records by CRLF (a bare LF or CR is accepted too),
 * fields optionally enclosed in double quotes, a quote inside a quoted field written twice. It is fed characters
 * as they arrive and hands over each record with the line it starts on (the header is line 1), so a file of any
 * size is parsed in constant memory apart from the longest record.
 *
 * <p>Strict where the RFC is: a quote inside an unquoted field, text after a closing quote and a quote left open
 * at the end are refused. Empty lines are skipped, so a file may end with blank lines; a missing value in a
 * one-column file is written {@code ""}. Refusals are {@code INVALID_ARGUMENT} naming the line and the column
 * (by its header name once the header is known).
 */
final class CsvParser {

    /** Receives records in file order. */
    interface Records {
        /** A record that starts on {@code line}; {@code fields} belongs to the receiver. */
        void record(long line, String[] fields);

        /** The end of the file, after the last record. */
        default void end() {
        }
    }

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private final Records records;
    private final int maxFieldLength;
    private final StringBuilder field = new StringBuilder();
    private final List<String> fields = new ArrayList<>();
    private String[] header;
    private State state = State.FIELD_START;
    private long line = 1;
    private long recordLine = 1;
    private long quoteLine;
    private boolean touched;
    private boolean skipLineFeed;
    private boolean carriageReturn;
    private boolean started;

    CsvParser(Records records, int maxFieldLength) {
        this.records = records;
        this.maxFieldLength = maxFieldLength;
    }

    /** Parses the next characters of the file. */
    void feed(char[] chars, int offset, int length) {
        int end = offset + length;
        int i = offset;
        if (!started && i < end) {
            started = true;
            if (chars[i] == '\uFEFF') {
                i++;
            }
        }
        while (i < end) {
            char c = chars[i];
            if (skipLineFeed) {
                skipLineFeed = false;
                if (c == '\n') {
                    i++;
                    continue;
                }
            }
            switch (state) {
                case FIELD_START, UNQUOTED -> {
                    if (c == ',') {
                        touched = true;
                        endField();
                        i++;
                    } else if (c == '\r' || c == '\n') {
                        endRecord();
                        line++;
                        skipLineFeed = c == '\r';
                        i++;
                    } else if (c == '"') {
                        if (state == State.UNQUOTED) {
                            throw refusal(line, "a quote inside an unquoted field; quote the whole field and write the quote twice");
                        }
                        touched = true;
                        state = State.QUOTED;
                        quoteLine = line;
                        carriageReturn = false;
                        i++;
                    } else {
                        int start = i;
                        while (i < end && (c = chars[i]) != ',' && c != '\r' && c != '\n' && c != '"') {
                            i++;
                        }
                        append(chars, start, i - start);
                        touched = true;
                        state = State.UNQUOTED;
                    }
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = State.QUOTE_IN_QUOTED;
                        i++;
                    } else {
                        int start = i;
                        while (i < end && (c = chars[i]) != '"') {
                            if (c == '\r' || (c == '\n' && !carriageReturn)) {
                                line++;
                            }
                            carriageReturn = c == '\r';
                            i++;
                        }
                        append(chars, start, i - start);
                    }
                }
                case QUOTE_IN_QUOTED -> {
                    if (c == '"') {
                        append(chars, i, 1);
                        state = State.QUOTED;
                        i++;
                    } else if (c == ',') {
                        endField();
                        i++;
                    } else if (c == '\r' || c == '\n') {
                        endRecord();
                        line++;
                        skipLineFeed = c == '\r';
                        i++;
                    } else {
                        throw refusal(line, "text after the closing quote of a quoted field");
                    }
                }
            }
        }
    }

    /** The end of the file: the last record, or a refusal if a quoted field is still open. */
    void finish() {
        if (state == State.QUOTED) {
            throw refusal(quoteLine, "the quoted field that starts on this line is not closed before the end of the file");
        }
        endRecord();
        records.end();
    }

    /** The line being parsed, header = 1. */
    long line() {
        return line;
    }

    /** "line 7, column 'age'" for the field being parsed. */
    String position() {
        return where(line, fields.size());
    }

    private void append(char[] chars, int start, int length) {
        if (field.length() + length > maxFieldLength) {
            throw refusal(line, "a field longer than " + maxFieldLength + " characters");
        }
        field.append(chars, start, length);
    }

    private void endField() {
        fields.add(field.toString());
        field.setLength(0);
        state = State.FIELD_START;
    }

    private void endRecord() {
        if (!touched) {
            recordLine = line + 1;
            return;
        }
        endField();
        String[] record = fields.toArray(String[]::new);
        fields.clear();
        touched = false;
        long at = recordLine;
        recordLine = line + 1;
        if (header == null) {
            header = record;
        }
        records.record(at, record);
    }

    private ApiException refusal(long at, String problem) {
        return ApiException.invalid(where(at, fields.size()) + ": " + problem);
    }

    private String where(long at, int index) {
        if (header != null && index < header.length) {
            return "line " + at + ", column '" + header[index] + "'";
        }
        return "line " + at + ", field " + (index + 1);
    }
}
