package io.peerlink;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of one peerlink peer. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PeerlinkApplication {

    public static void main(String[] args) {
        SpringApplication.run(PeerlinkApplication.class, args);
    }
}
