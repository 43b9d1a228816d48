package io.goalkeeper.smartsuite;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * SmartSuite's record calls as its API documents them (paths end with a slash); its URL and timeouts
 * are {@code quarkus.rest-client.smartsuite.*}, taken from {@code goalkeeper.smartsuite.*}. Only
 * {@link SmartSuiteClient} uses it: it adds the pacing and the retries and reads the answers.
 */
@RegisterRestClient(configKey = "smartsuite")
@RegisterClientHeaders(SmartSuiteCredentials.class)
@Path("/applications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface SmartSuiteApi {

    @GET
    @Path("/{table}/")
    Uni<Response> schema(@PathParam("table") String table);

    @POST
    @Path("/{table}/records/list/")
    Uni<Response> list(@PathParam("table") String table, @QueryParam("offset") int offset,
            @QueryParam("limit") int limit, JsonNode query);

    @GET
    @Path("/{table}/records/{id}/")
    Uni<Response> get(@PathParam("table") String table, @PathParam("id") String id);

    @POST
    @Path("/{table}/records/bulk/")
    Uni<Response> bulkCreate(@PathParam("table") String table, JsonNode items);

    @PATCH
    @Path("/{table}/records/bulk/")
    Uni<Response> bulkUpdate(@PathParam("table") String table, JsonNode items);

    @PATCH
    @Path("/{table}/records/bulk_delete/")
    Uni<Response> bulkDelete(@PathParam("table") String table, @QueryParam("fields") String fields, JsonNode ids);
}
