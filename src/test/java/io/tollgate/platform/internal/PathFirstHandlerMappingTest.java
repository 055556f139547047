package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPatternParser;

class PathFirstHandlerMappingTest {
    public static class Handler {
        public String handle() {
            return "ok";
        }
    }

    /** Counts how often the lookup reads the method (each read goes through every request wrapper in a real call). */
    static final class CountingRequest extends MockHttpServletRequest {
        final AtomicInteger methodReads = new AtomicInteger();

        CountingRequest(String method, String uri) {
            super(method, uri);
        }

        @Override
        public String getMethod() {
            methodReads.incrementAndGet();
            return super.getMethod();
        }
    }

    private static CountingRequest lookup(RequestMappingHandlerMapping mapping, String method, String uri, Object[] found) throws Exception {
        Handler handler = new Handler();
        Method handle = Handler.class.getMethod("handle");
        RequestMappingInfo.BuilderConfiguration config = new RequestMappingInfo.BuilderConfiguration();
        config.setPatternParser(PathPatternParser.defaultInstance);
        for (int i = 0; i < 300; i++) {
            mapping.registerMapping(RequestMappingInfo.paths("/api/v1/other" + i + "/{id}").methods(RequestMethod.GET).options(config).build(), handler, handle);
        }
        mapping.registerMapping(RequestMappingInfo.paths("/api/v1/target/{id}").methods(RequestMethod.GET).options(config).build(), handler, handle);
        mapping.registerMapping(RequestMappingInfo.paths("/api/v1/files/**").methods(RequestMethod.GET).options(config).build(), handler, handle);
        CountingRequest request = new CountingRequest(method, uri);
        ServletRequestPathUtils.parseAndCache(request);
        HandlerExecutionChain chain = mapping.getHandler(request);
        found[0] = chain == null ? null : chain.getHandler();
        return request;
    }

    @Test
    void aMappingWhosePathCannotMatchIsPassedOverBeforeItsOtherConditions() throws Exception {
        Object[] found = new Object[1];
        CountingRequest fast = lookup(new PathFirstHandlerMapping(), "GET", "/api/v1/target/42", found);
        assertThat(found[0]).isInstanceOf(HandlerMethod.class);
        Object[] foundBySpring = new Object[1];
        CountingRequest spring = lookup(new RequestMappingHandlerMapping(), "GET", "/api/v1/target/42", foundBySpring);
        assertThat(foundBySpring[0]).isInstanceOf(HandlerMethod.class);
        assertThat(spring.methodReads.get()).as("Spring's own order reads the method once per mapping").isGreaterThan(300);
        assertThat(fast.methodReads.get()).as("path first: only the mapping whose path matches is checked further").isLessThan(20);
    }

    @Test
    void nothingMatchingStillEndsInSpringsOwnAnswers() throws Exception {
        Object[] found = new Object[1];
        lookup(new PathFirstHandlerMapping(), "GET", "/api/v1/nowhere/1", found);
        assertThat(found[0]).as("no handler: 404").isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lookup(new PathFirstHandlerMapping(), "DELETE", "/api/v1/target/1", new Object[1]))
                .as("a path that exists with another method: 405").isInstanceOf(org.springframework.web.HttpRequestMethodNotSupportedException.class);
    }

    @Test
    void pathsThatTheLiteralStartCannotJudgeAreStillMatchedByTheirPatterns() throws Exception {
        Object[] found = new Object[1];
        lookup(new PathFirstHandlerMapping(), "GET", "/api/v1/files", found);
        assertThat(found[0]).as("/files/** also matches /files").isInstanceOf(HandlerMethod.class);
        lookup(new PathFirstHandlerMapping(), "GET", "/api/v1/targ%65t/42", found);
        assertThat(found[0]).as("an escaped letter in the path").isInstanceOf(HandlerMethod.class);
        lookup(new PathFirstHandlerMapping(), "GET", "/api/v1/target;v=1/42", found);
        assertThat(found[0]).as("a matrix variable").isInstanceOf(HandlerMethod.class);
    }

    @Test
    void theLiteralStartIsWholeSegmentsBeforeTheFirstVariableOrWildcard() {
        RequestMappingInfo.BuilderConfiguration config = new RequestMappingInfo.BuilderConfiguration();
        config.setPatternParser(PathPatternParser.defaultInstance);
        java.util.function.Function<String, String[]> starts = p -> PathFirstHandlerMapping.literalStarts(
                RequestMappingInfo.paths(p).options(config).build().getPathPatternsCondition());
        assertThat(starts.apply("/api/v1/gateway/{feature}/**")).containsExactly("/api/v1/gateway");
        assertThat(starts.apply("/a/**")).containsExactly("/a");
        assertThat(starts.apply("/files/{*rest}")).containsExactly("/files");
        assertThat(starts.apply("/api/v1/x{id}.json")).containsExactly("/api/v1");
        assertThat(starts.apply("/{id}")).containsExactly("");
        assertThat(starts.apply("/api/v1/app")).containsExactly("/api/v1");
    }
}
