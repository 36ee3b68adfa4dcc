package dev.nscope.web;

import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.RuleSpec;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * {@code /actuator/rules}: every finding rule the agent knows, as {@code {"rules": [{"id", "severity",
 * "title", "fix"}]}}, from {@link RuleCatalog}; the web page takes its badges' titles and the general
 * fixes from here.
 */
@Component
@ConditionalOnWebApplication
@Endpoint(id = "rules")
public class RulesEndpoint {

    public record Rule(String id, String severity, String title, String fix) {
        static Rule of(RuleSpec s) {
            return new Rule(s.id(), s.severity().label(), s.title(), s.fix());
        }
    }

    public record Rules(List<Rule> rules) {
    }

    @ReadOperation
    public Rules rules() {
        return new Rules(RuleCatalog.SPECS.stream().map(Rule::of).toList());
    }
}
