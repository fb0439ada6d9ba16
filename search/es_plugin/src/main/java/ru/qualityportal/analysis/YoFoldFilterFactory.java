package ru.qualityportal.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Token filter {@code qp_yo_fold}: "ё" becomes "е". */
@NamedComponent("qp_yo_fold")
public class YoFoldFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new YoFoldFilter(tokenStream);
    }

    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new YoFoldFilter(tokenStream);
    }
}
