package ru.qualityportal.analysis;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * Token filter {@code qp_lowercase}; the integration-test distribution has no
 * analysis-common module and therefore no {@code lowercase} filter.
 */
@NamedComponent("qp_lowercase")
public class LowercaseFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new LowerCaseFilter(tokenStream);
    }

    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new LowerCaseFilter(tokenStream);
    }
}
