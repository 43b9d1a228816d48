package io.goalkeeper.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** RestAssured requests on behalf of a user. */
public final class Api {

    private Api() {
    }

    public static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + Tokens.forUser(user));
    }

    public static RequestSpecification jsonAs(String user) {
        return as(user).contentType(ContentType.JSON);
    }
}
