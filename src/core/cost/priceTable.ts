/**
 * genai-prices' calculator with the price data it bundles (some 480 kB minified), bundled apart as dist/priceTable.js
 * beside the bundles that price calls, and loaded by prices.ts on the first call priced. It is never told to update
 * its prices (`updatePrices`), so it prices offline from the data of the version installed.
 */
export { calcPrice, findProvider } from '@pydantic/genai-prices';
