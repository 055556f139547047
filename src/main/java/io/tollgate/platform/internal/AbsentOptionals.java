package io.tollgate.platform.internal;

import java.util.Optional;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.ext.jdk8.Jdk8OptionalDeserializer;
import tools.jackson.databind.jsontype.TypeDeserializer;
import tools.jackson.databind.module.SimpleDeserializers;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.ReferenceType;

/**
 * An Optional property of a request body that the JSON leaves out is null; one the JSON sets to null
 * is Optional.empty(). Jackson's default makes both empty, and then a PUT could not tell "keep this
 * value" from "clear it".
 */
final class AbsentOptionals {
    private AbsentOptionals() {}

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("tollgate-absent-optionals");
        module.setDeserializers(new SimpleDeserializers() {
            @Override
            public ValueDeserializer<?> findReferenceDeserializer(ReferenceType type, DeserializationConfig config,
                                                                  BeanDescription.Supplier description, TypeDeserializer contentTypes,
                                                                  ValueDeserializer<?> content) {
                return type.hasRawClass(Optional.class) ? new AbsentIsNull(type, null, contentTypes, content) : null;
            }
        });
        return module;
    }

    private static final class AbsentIsNull extends Jdk8OptionalDeserializer {
        AbsentIsNull(JavaType type, ValueInstantiator instantiator, TypeDeserializer contentTypes, ValueDeserializer<?> content) {
            super(type, instantiator, contentTypes, content);
        }

        @Override
        public Jdk8OptionalDeserializer withResolved(TypeDeserializer contentTypes, ValueDeserializer<?> content) {
            return new AbsentIsNull(_fullType, _valueInstantiator, contentTypes, content);
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }
    }
}
