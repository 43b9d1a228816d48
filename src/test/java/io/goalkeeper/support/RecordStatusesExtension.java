package io.goalkeeper.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs {@link ObservedStatuses} before every test class, in the class loader that loaded that
 * class (a Quarkus application's, or the plain one), so that every RestAssured call of the suite is
 * recorded without any test asking for it. Registered for every test through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} (quarkus-junit turns extension
 * auto-detection on).
 */
public class RecordStatusesExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class.forName(ObservedStatuses.class.getName(), true, context.getRequiredTestClass().getClassLoader())
                .getMethod("install")
                .invoke(null);
    }
}
