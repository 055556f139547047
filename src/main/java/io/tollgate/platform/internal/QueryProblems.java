package io.tollgate.platform.internal;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * A query or path parameter that does not convert to its type, as a 400 naming it and saying what
 * would be accepted. The paging parameters say their real range ("page=99999999999" is too deep, not
 * "not an integer"), which the conversion to Integer alone cannot know.
 */
final class QueryProblems {
    private QueryProblems() {}

    static ApiException of(MethodArgumentTypeMismatchException e, String perPageText) {
        String name = e.getName();
        if ("page".equals(name)) return ApiException.invalidField(name, PageQuery.pageMessage(perPage(perPageText)));
        if ("per_page".equals(name)) return ApiException.invalidField(name, PageQuery.PER_PAGE_MESSAGE);
        return ApiException.invalidField(name, "must be " + JsonProblems.describe(e.getRequiredType()));
    }

    /** The page size the deepest page is counted at: the request's own, when it is a valid one. */
    private static int perPage(String text) {
        try {
            int perPage = text == null ? PageQuery.DEFAULT_PER_PAGE : Integer.parseInt(text.strip());
            return perPage >= 1 && perPage <= PageQuery.MAX_PER_PAGE ? perPage : PageQuery.DEFAULT_PER_PAGE;
        } catch (NumberFormatException e) {
            return PageQuery.DEFAULT_PER_PAGE;
        }
    }
}
