package io.peerlink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.PrintStream;
import java.util.Formatter;
import org.junit.jupiter.api.Test;

/**
 * The protocol and crypto code stays free of Spring and of the store, layers only point downwards,
 * and nothing depends on the default locale.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.peerlink");

    @Test
    void protocolPackagesDoNotImportSpring() {
        noClasses().that().resideInAnyPackage("io.peerlink.crypto..", "io.peerlink.identity..",
                        "io.peerlink.handshake..", "io.peerlink.wire..", "io.peerlink.transport..",
                        "io.peerlink.messaging..", "io.peerlink.sealed..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void protocolPackagesDoNotDependOnTheServiceOrApi() {
        noClasses().that().resideInAnyPackage("io.peerlink.crypto..", "io.peerlink.identity..",
                        "io.peerlink.handshake..", "io.peerlink.wire..", "io.peerlink.sealed..")
                .should().dependOnClassesThat().resideInAnyPackage("io.peerlink.transport..", "io.peerlink.messaging..", "io.peerlink.api..",
                        "io.peerlink.config..", "io.peerlink.store..")
                .check(CLASSES);
    }

    /** The store keeps rows; it knows nothing of connections, the protocol or the web. */
    @Test
    void theStoreDependsOnNoOtherPackageOfOurs() {
        noClasses().that().resideInAPackage("io.peerlink.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.peerlink.transport..", "io.peerlink.messaging..", "io.peerlink.api..",
                        "io.peerlink.config..", "io.peerlink.crypto..", "io.peerlink.identity..",
                        "io.peerlink.handshake..", "io.peerlink.wire..")
                .check(CLASSES);
    }

    /** Only the store touches JDBC: the connection layer goes through its repositories. */
    @Test
    void onlyTheStoreAndTheWiringUseJdbc() {
        noClasses().that().resideOutsideOfPackages("io.peerlink.store..", "io.peerlink.config..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..",
                        "org.springframework.jdbc..", "com.zaxxer..", "org.sqlite..", "org.flywaydb..")
                .check(CLASSES);
    }

    /**
     * Case changes and formatting that follow the default locale differ between machines: under
     * {@code tr-TR} "I".toLowerCase() is a dotless "ı", under {@code fa-IR} "%05d" prints Persian
     * digits. Main code says {@code Locale.ROOT} (or builds the text itself).
     */
    @Test
    void mainCodeDoesNotDependOnTheDefaultLocale() {
        noClasses().should().callMethod(String.class, "toLowerCase")
                .orShould().callMethod(String.class, "toUpperCase")
                .orShould().callMethod(String.class, "format", String.class, Object[].class)
                .orShould().callMethod(String.class, "formatted", Object[].class)
                .orShould().callMethod(PrintStream.class, "printf", String.class, Object[].class)
                .orShould().callMethod(PrintStream.class, "format", String.class, Object[].class)
                .orShould().callConstructor(Formatter.class)
                .orShould().callConstructor(Formatter.class, Appendable.class)
                .because("the default locale changes digits and letters (use Locale.ROOT)")
                .check(CLASSES);
    }

    /**
     * The transport (listener, dialer, connections) knows nothing of messages' states or of the
     * store: messaging runs over it, and a second route (a relay, a mailbox) can be added beside it.
     */
    @Test
    void transportDependsNeitherOnMessagingNorOnTheStore() {
        noClasses().that().resideInAPackage("io.peerlink.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("io.peerlink.messaging..", "io.peerlink.store..",
                        "io.peerlink.api..", "io.peerlink.config..")
                .check(CLASSES);
    }

    @Test
    void cryptoDependsOnNothingElseOfOurs() {
        noClasses().that().resideInAPackage("io.peerlink.crypto..")
                .should().dependOnClassesThat().resideInAnyPackage("io.peerlink.identity..", "io.peerlink.wire..",
                        "io.peerlink.handshake..")
                .check(CLASSES);
    }
}
