package dev.lodestar.drift;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Type;

/**
 * What a feedback call stored.
 *
 * @param received the outcomes sent
 * @param accepted the outcomes stored now
 * @param known    outcomes of predictions that already had one (the first outcome reported stays)
 */
@Type("FeedbackResult")
@Description("How many outcomes were stored; a prediction keeps the first outcome reported for it.")
public record FeedbackResult(int received, int accepted, int known) {
}
