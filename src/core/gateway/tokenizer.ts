/**
 * OpenAI's o200k_base encoding (GPT-4o, GPT-4.1, GPT-5, the o-series), bundled apart as dist/tokenizer.js: its
 * 2.7 MB of ranks load only when a stream without usage needs counting (tokenCount.ts).
 */
export { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
