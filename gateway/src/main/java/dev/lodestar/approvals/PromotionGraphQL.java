package dev.lodestar.approvals;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.approvals.model.PromotionRequestEntity;
import dev.lodestar.approvals.model.PromotionStatus;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.ModelVersion;
import dev.lodestar.registry.model.ModelVersionEntity;

/**
 * Promotions over GraphQL: data scientists request and cancel, approvers approve and reject, every Lodestar role
 * reads the requests and their evidence.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class PromotionGraphQL {

    private final Promotions promotions;
    private final ModelRegistry registry;

    PromotionGraphQL(Promotions promotions, ModelRegistry registry) {
        this.promotions = promotions;
        this.registry = registry;
    }

    @Query
    @Description("Promotion requests, newest first, optionally of one status (OPEN is the approvers' queue).")
    public @NonNull PromotionRequestConnection promotionRequests(@Name("status") PromotionStatus status,
            @Name("first") Integer first, @Name("after") String after) {
        return promotions.page(status, Page.of(first, after));
    }

    @Query
    @Description("One promotion request.")
    public PromotionRequest promotionRequest(@Name("id") @Id @NonNull String id) {
        return promotions.toApi(List.of(promotions.get(requestId(id)))).get(0);
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Asks approvers to point a protected alias at a READY version. The version's metrics and model card"
            + " are captured as evidence. One request per alias can be open at a time.")
    public @NonNull PromotionRequest requestPromotion(@Name("name") @NonNull String name, @Name("version") int version,
            @Name("alias") @NonNull String alias, @Name("reason") @NonNull String reason) {
        return one(promotions.request(name, version, alias, reason));
    }

    @Mutation
    @RolesAllowed(APPROVER)
    @Description("Approves a request. Nobody approves their own request or counts twice; the approval that completes"
            + " the model's required count moves the alias.")
    public @NonNull PromotionRequest approvePromotion(@Name("requestId") @Id @NonNull String requestId,
            @Name("comment") String comment) {
        return one(promotions.approve(requestId(requestId), comment));
    }

    @Mutation
    @RolesAllowed(APPROVER)
    @Description("Rejects a request, with the reason its requester will read.")
    public @NonNull PromotionRequest rejectPromotion(@Name("requestId") @Id @NonNull String requestId,
            @Name("reason") @NonNull String reason) {
        return one(promotions.reject(requestId(requestId), reason));
    }

    @Mutation
    @RolesAllowed(DATA_SCIENTIST)
    @Description("Withdraws a request; only its requester can.")
    public @NonNull PromotionRequest cancelPromotion(@Name("requestId") @Id @NonNull String requestId) {
        return one(promotions.cancel(requestId(requestId)));
    }

    @Description("The approvals given so far, oldest first.")
    public @NonNull List<@NonNull List<@NonNull Approval>> approvals(@Source List<PromotionRequest> requests) {
        Map<Long, List<Approval>> approvals = promotions.approvalsOf(requests.stream().map(r -> Long.parseLong(r.id())).toList());
        return requests.stream().map(r -> approvals.getOrDefault(Long.parseLong(r.id()), List.of())).toList();
    }

    @Description("What the approvers decide on, as captured when the request was opened.")
    public @NonNull PromotionEvidence evidence(@Source PromotionRequest request) {
        return promotions.evidence(request.evidenceJson());
    }

    @Description("The version the request promotes.")
    public @NonNull List<@NonNull ModelVersion> modelVersion(@Source List<PromotionRequest> requests) {
        List<ModelVersionEntity.Key> keys = requests.stream().map(r -> new ModelVersionEntity.Key(r.modelId(), r.version())).toList();
        Map<ModelVersionEntity.Key, ModelVersion> versions = new HashMap<>();
        registry.toApi(registry.versions(keys)).forEach(v -> versions.put(new ModelVersionEntity.Key(v.modelId(), v.version()), v));
        return keys.stream().map(versions::get).toList();
    }

    @Description("How many requests the whole list holds.")
    public int totalCount(@Source PromotionRequestConnection connection) {
        return Math.toIntExact(connection.total());
    }

    private PromotionRequest one(PromotionRequestEntity entity) {
        return promotions.toApi(List.of(entity)).get(0);
    }

    private static long requestId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'" + id + "' is not a promotion request id");
        }
    }
}
