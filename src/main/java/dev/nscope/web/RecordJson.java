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
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

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
        } else if (v instanceof List<?> l && l instanceof RandomAccess) {
            // by index: no iterator per list, which only the C2 compiler's escape analysis would have saved
            g.writeStartArray();
            for (int i = 0, n = l.size(); i < n; i++) {
                write(g, l.get(i));
            }
            g.writeEndArray();
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
            plan.components[i].write(g, r);
        }
        g.writeEndObject();
    }

    /** Writes one component of a record. */
    @FunctionalInterface
    private interface Component {
        void write(JsonGenerator g, Object record);
    }

    /**
     * How a record class is written: its component names, encoded once, and a writer per component. A long, int,
     * double or boolean component is read and written unboxed: the agent runs under the C1 compiler alone (the
     * chart's JVM flags), which has no escape analysis to take a box away, so each boxed figure would be garbage.
     */
    private record Plan(SerializableString[] names, Component[] components) {
        static Plan of(Class<?> type) {
            RecordComponent[] rc = type.getRecordComponents();
            if (rc == null) {
                throw new IllegalArgumentException(type + " is not a record");
            }
            SerializableString[] names = new SerializableString[rc.length];
            Component[] components = new Component[rc.length];
            for (int i = 0; i < rc.length; i++) {
                names[i] = new SerializedString(rc[i].getName());
                components[i] = component(type, rc[i].getAccessor());
            }
            return new Plan(names, components);
        }

        @SuppressWarnings("unchecked")
        private static Component component(Class<?> type, Method accessor) {
            Class<?> t = accessor.getReturnType();
            if (t == long.class) {
                ToLongFunction<Object> f = (ToLongFunction<Object>) getter(type, accessor, ToLongFunction.class, "applyAsLong", long.class);
                return (g, r) -> g.writeNumber(f.applyAsLong(r));
            }
            if (t == int.class) {
                ToIntFunction<Object> f = (ToIntFunction<Object>) getter(type, accessor, ToIntFunction.class, "applyAsInt", int.class);
                return (g, r) -> g.writeNumber(f.applyAsInt(r));
            }
            if (t == double.class) {
                ToDoubleFunction<Object> f = (ToDoubleFunction<Object>) getter(type, accessor, ToDoubleFunction.class, "applyAsDouble",
                        double.class);
                return (g, r) -> g.writeNumber(f.applyAsDouble(r));
            }
            if (t == boolean.class) {
                Predicate<Object> f = (Predicate<Object>) getter(type, accessor, Predicate.class, "test", boolean.class);
                return (g, r) -> g.writeBoolean(f.test(r));
            }
            Function<Object, Object> f = (Function<Object, Object>) getter(type, accessor, Function.class, "apply", Object.class);
            return (g, r) -> write(g, f.apply(r));
        }

        /**
         * The accessor as an instance of {@code fn} (a lambda class: a plain call, where reflection costs several
         * times more under the C1-only JIT the chart runs), returning {@code returns} (a primitive unboxed).
         */
        private static Object getter(Class<?> type, Method accessor, Class<?> fn, String method, Class<?> returns) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                MethodHandle target = lookup.unreflect(accessor);
                MethodType instantiated = returns == Object.class
                        ? MethodType.methodType(target.type().returnType(), type).wrap().changeParameterType(0, type)
                        : MethodType.methodType(returns, type);
                CallSite site = LambdaMetafactory.metafactory(lookup, method, MethodType.methodType(fn),
                        MethodType.methodType(returns, Object.class), target, instantiated);
                return site.getTarget().invoke();
            } catch (Throwable e) {
                throw new IllegalStateException("no accessor " + accessor, e);
            }
        }
    }
}
