package dev.stigmem.api.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.PluginContext;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class HookTests {

    /** SPEC's hook table, as written there. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pre_assert_authorize         | voting                   | core_first",
        "pre_assert_validate          | voting                   | core_first",
        "pre_assert_transform         | filter chain             | plugins_first",
        "post_assert_persist          | fire and forget          | plugin_only",
        "post_assert_propagate        | fire and forget          | plugin_only",
        "post_assert_audit            | fire and forget, strict  | core_only_default",
        "pre_recall_authorize         | voting                   | core_first",
        "pre_recall_rewrite           | filter chain             | plugins_first",
        "recall_filter                | filter chain             | plugins_first",
        "recall_rank                  | score delta              | plugins_first",
        "post_recall_audit            | fire and forget, strict  | core_only_default",
        "federation_peer_authenticate | voting                   | core_first",
        "federation_inbound_validate  | voting                   | core_first",
        "federation_inbound_filter    | filter chain             | plugins_first",
        "federation_outbound_filter   | filter chain             | plugins_first",
        "federation_outbound_sign     | filter chain             | plugins_first",
        "identity_resolve             | filter chain             | core_first",
        "tenant_resolve               | filter chain             | core_first",
        "capability_check             | voting                   | core_first",
        "migration_register           | filter chain             | core_only_default",
        "audit_emit                   | fire and forget, strict  | core_only_default",
        "config_validate              | voting                   | core_first",
    })
    void tableMatchesTheSpec(String id, String semantic, String ordering) {
        Hook hook = Hook.lookup(id).orElseThrow();
        String actual = hook.semantic().name().toLowerCase(Locale.ROOT).replace('_', ' ') + (hook.strict() ? ", strict" : "");
        assertThat(actual).isEqualTo(semantic);
        assertThat(hook.ordering().name().toLowerCase(Locale.ROOT)).isEqualTo(ordering);
    }

    @Test
    void thereAreExactly22Hooks() {
        assertThat(Hook.values()).hasSize(22);
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void eachHookHasOneSingleMethodInterfaceNamedAfterIt(Hook hook) {
        Class<?> type = hook.handlerType();
        Method[] abstractMethods = Arrays.stream(type.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers())).toArray(Method[]::new);
        assertThat(abstractMethods).hasSize(1);
        Method m = abstractMethods[0];
        String camel = Arrays.stream(hook.id().split("_"))
                .map(p -> Character.toUpperCase(p.charAt(0)) + p.substring(1)).collect(Collectors.joining());
        assertThat(type.getSimpleName()).isEqualTo(camel);
        assertThat(m.getName()).isEqualTo(Character.toLowerCase(camel.charAt(0)) + camel.substring(1));
        assertThat(m.getParameterTypes()).hasSize(2);
        assertThat(m.getParameterTypes()[0]).isEqualTo(PluginContext.class);
        // The payload is a value, never a handler interface (a name clash once made it one).
        assertThat(HookHandler.class.isAssignableFrom(m.getParameterTypes()[1])).isFalse();
        assertThat(m.getParameterTypes()[1].isRecord()).isTrue();
        Class<?> expectedReturn = switch (hook.semantic()) {
            case VOTING -> Vote.class;
            case FILTER_CHAIN -> m.getParameterTypes()[1];
            case SCORE_DELTA -> java.util.Map.class;
            case FIRE_AND_FORGET -> void.class;
        };
        assertThat(m.getReturnType()).isEqualTo(expectedReturn);
        assertThat(Hook.forHandlerType(type)).contains(hook);
    }

    @Test
    void sealedSurfaceIsExactlyTheTable() {
        Set<Class<?>> permitted = Set.of(HookHandler.class.getPermittedSubclasses());
        Set<Class<?>> table = Arrays.stream(Hook.values()).map(Hook::handlerType).collect(Collectors.toSet());
        assertThat(permitted).isEqualTo(table);
    }

    @Test
    void onlyTheThreeAuditHooksAreStrict() {
        assertThat(Arrays.stream(Hook.values()).filter(Hook::strict))
                .containsExactly(Hook.POST_ASSERT_AUDIT, Hook.POST_RECALL_AUDIT, Hook.AUDIT_EMIT);
    }

    static final class TwoHooks implements PreAssertAuthorize, RecallRank {
        @Override
        public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
            return Vote.allow();
        }

        @Override
        public java.util.Map<String, Double> recallRank(PluginContext context, RecallResults payload) {
            return java.util.Map.of();
        }
    }

    @Test
    void hookMapOfAClassIsWhatItImplements() {
        assertThat(Hook.handledBy(TwoHooks.class)).containsExactly(Hook.PRE_ASSERT_AUTHORIZE, Hook.RECALL_RANK);
        assertThat(Hook.handledBy(String.class)).isEmpty();
    }

    @Test
    void votes() {
        assertThat(Vote.allow()).isSameAs(Vote.allow());
        assertThat(Vote.allow().isDeny()).isFalse();
        assertThat(Vote.deny("no").isDeny()).isTrue();
        assertThat(Vote.deny("no")).isEqualTo(new Vote.Deny("no"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Vote.deny(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a deny needs a reason");
    }
}
