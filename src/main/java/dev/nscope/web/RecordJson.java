package dev.nscope.web;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes the values of the agent's JSON (records of maps, lists, strings, numbers and booleans) through a
 * Jackson {@link JsonGenerator}: a record as an object of its components in declaration order, names
 * encoded once per record class, each accessor called as a plain function. The records are the document's
 * shape: a component added to one is a field of the document, with nothing else to change.
 */
final class RecordJson {
    private static final ClassValue<Plan> PLANS = new ClassValue<>() {
        @Override
        protected Plan computeValue(Class<?> type) {
            return Plan.of(type);
        }
    };

    private RecordJson() {
    }

    static void write(JsonGenerator g, Object v) {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Record) {
            record(g, v);
        } else if (v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            throw new IllegalArgumentException("not a JSON value of the document: " + v.getClass());
        }
    }

    private static void record(JsonGenerator g, Object r) {
        Plan plan = PLANS.get(r.getClass());
        g.writeStartObject();
        for (int i = 0; i < plan.names.length; i++) {
            g.writeName(plan.names[i]);
            write(g, plan.accessors[i].apply(r));
        }
        g.writeEndObject();
    }

    /** How a record class is written: its component names, encoded once, and its accessors. */
    private record Plan(SerializableString[] names, Function<Object, Object>[] accessors) {
        static Plan of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                throw new IllegalArgumentException(type + " is not a record");
            }
            SerializableString[] names = new SerializableString[components.length];
            @SuppressWarnings("unchecked")
            Function<Object, Object>[] accessors = new Function[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = new SerializedString(components[i].getName());
                accessors[i] = getter(type, components[i].getAccessor());
            }
            return new Plan(names, accessors);
        }

        /**
         * The accessor as a {@code Function} (a lambda class: a plain call, where reflection costs several
         * times more under the C1-only JIT the chart runs).
         */
        @SuppressWarnings("unchecked")
        private static Function<Object, Object> getter(Class<?> type, Method accessor) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle target = lookup.unreflect(accessor);
                CallSite site = LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(Function.class),
                        MethodType.methodType(Object.class, Object.class), target,
                        MethodType.methodType(target.type().returnType(), type).wrap().changeParameterType(0, type));
                return (Function<Object, Object>) site.getTarget().invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("no accessor " + accessor, e);
            }
        }
    }
}
