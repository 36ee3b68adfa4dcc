package dev.nscope.settings;

import dev.nscope.rules.RuleCatalog;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A rule id of {@link RuleCatalog#ALL}; the message lists the known ones. */
@Documented
@Constraint(validatedBy = KnownRule.Check.class)
@Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface KnownRule {
    String message() default "nscope.rules.disabled: unknown rule '${validatedValue}' (known: {known})";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Looks the id up in the catalog. */
    class Check implements ConstraintValidator<KnownRule, String> {
        @Override
        public boolean isValid(String id, ConstraintValidatorContext context) {
            if (id != null && RuleCatalog.ALL.contains(id)) {
                return true;
            }
            context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("known", String.join(", ", RuleCatalog.ALL));
            return false;
        }
    }
}
