/**
 * `@weixi/sdk/model`: the churn model engine (`@weixi/model`: logistic regression, histogram boosting,
 * cross-validation, metrics, explanations, feature specs) as part of the plugin API, so a model-rule
 * plugin learns with the same tested engine and still imports nothing but the SDK.
 */
export * from '@weixi/model';
