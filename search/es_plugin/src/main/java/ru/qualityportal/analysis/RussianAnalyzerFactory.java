package ru.qualityportal.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;
import org.tartarus.snowball.ext.RussianStemmer;

/**
 * Analyzer {@code qp_russian}: standard tokenizer, lower case, ё→е, Russian stop
 * words and the Snowball Russian stemmer. The same chain as the custom analyzer
 * built from the {@code qp_*} filters, offered as one name for convenience.
 */
@NamedComponent("qp_russian")
public class RussianAnalyzerFactory implements AnalyzerFactory {
    @Override
    public Analyzer create() {
        return new QpRussianAnalyzer();
    }

    /** The analysis chain; normalisation (for keyword-like use) skips stop words and stems. */
    static final class QpRussianAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            StandardTokenizer source = new StandardTokenizer();
            TokenStream result = new LowerCaseFilter(source);
            result = new YoFoldFilter(result);
            result = new StopFilter(result, RussianAnalyzer.getDefaultStopSet());
            result = new SnowballFilter(result, new RussianStemmer());
            return new TokenStreamComponents(source, result);
        }

        @Override
        protected TokenStream normalize(String fieldName, TokenStream in) {
            return new YoFoldFilter(new LowerCaseFilter(in));
        }
    }
}
