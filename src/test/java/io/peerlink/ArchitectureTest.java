package io.peerlink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The protocol and crypto code stays free of Spring, and layers only point downwards. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.peerlink");

    @Test
    void protocolPackagesDoNotImportSpring() {
        noClasses().that().resideInAnyPackage("io.peerlink.crypto..", "io.peerlink.identity..",
                        "io.peerlink.handshake..", "io.peerlink.wire..", "io.peerlink.connection..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void protocolPackagesDoNotDependOnTheServiceOrApi() {
        noClasses().that().resideInAnyPackage("io.peerlink.crypto..", "io.peerlink.identity..",
                        "io.peerlink.handshake..", "io.peerlink.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.peerlink.connection..", "io.peerlink.api..",
                        "io.peerlink.config..")
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
