package dev.lodestar.monitoring;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.graphql.Page;

/**
 * Monitors, alerts and webhooks over GraphQL. Every Lodestar role reads alerts and monitors; data scientists and
 * admins change monitors; webhooks (which carry secrets and call out of the network) are for admins.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class MonitoringGraphQL {

    private static final int DEFAULT_DELIVERIES = 100;

    private final Monitors monitors;
    private final Webhooks webhooks;

    MonitoringGraphQL(Monitors monitors, Webhooks webhooks) {
        this.monitors = monitors;
        this.webhooks = webhooks;
    }

    @Query
    @Description("Alerts, newest first, of one deployment or all.")
    public @NonNull AlertConnection alerts(@Name("deployment") String deployment, @Name("first") Integer first,
            @Name("after") String after) {
        return monitors.page(deployment, Page.of(first, after));
    }

    @Query
    @Description("The monitors of a deployment, or of all deployments, oldest first.")
    public @NonNull List<@NonNull Monitor> monitors(@Name("deployment") String deployment) {
        return monitors.monitors(deployment).stream().map(Monitor::of).toList();
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Adds a monitor to a deployment (NOT_FOUND for an unknown one). It judges each closed window of the"
            + " deployment's traffic once and raises one alert per window whose rule it breaks.")
    public @NonNull Monitor createMonitor(@Name("input") @NonNull MonitorInput input) {
        return Monitor.of(monitors.create(input));
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Removes a monitor; the alerts it raised stay. Returns it as it was.")
    public @NonNull Monitor deleteMonitor(@Name("id") @Id @NonNull String id) {
        return Monitor.of(monitors.delete(id));
    }

    @Query
    @RolesAllowed(ADMIN)
    @Description("Every webhook (without secrets).")
    public @NonNull List<@NonNull Webhook> webhooks() {
        return webhooks.all().stream().map(Webhook::of).toList();
    }

    @Mutation
    @RolesAllowed(ADMIN)
    @Description("Registers a webhook called with every alert. Give a secret of at least 16 characters, or none to have"
            + " one generated; this answer is the only one that shows it.")
    public @NonNull Webhook.Created createWebhook(@Name("url") @NonNull String url, @Name("secret") String secret) {
        return webhooks.create(url, secret);
    }

    @Mutation
    @RolesAllowed(ADMIN)
    @Description("Removes a webhook and its deliveries. Returns it as it was.")
    public @NonNull Webhook deleteWebhook(@Name("id") @Id @NonNull String id) {
        return Webhook.of(webhooks.delete(id));
    }

    @Query
    @RolesAllowed({ ADMIN, AUDITOR })
    @Description("The latest webhook deliveries, newest first (at most 'last', default 100), optionally of one alert.")
    public @NonNull List<@NonNull WebhookDelivery> webhookDeliveries(@Name("alert") @Id String alert, @Name("last") Integer last) {
        return webhooks.deliveries(alert == null ? null : Monitors.parseId(alert, "alert"), last == null ? DEFAULT_DELIVERIES : last);
    }

    @Description("How many alerts the whole list holds.")
    public int totalCount(@Source AlertConnection connection) {
        return Math.toIntExact(connection.total());
    }
}
