using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;

namespace NumberTrust.Functions.Notifications;

/// <summary>HTTP triggers of alert subscriptions; the endpoints are <see cref="NumberTrust.Notifications.Subscriptions.SubscriptionsApi"/>'s.</summary>
public sealed class SubscriptionsFunctions(ApiEndpointTable endpoints)
{
    [Function(FunctionNames.CreateSubscription)]
    public Task<IResult> CreateSubscription([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.Subscriptions)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.CreateSubscription, request);

    [Function(FunctionNames.ListSubscriptions)]
    public Task<IResult> ListSubscriptions([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Subscriptions)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.ListSubscriptions, request);

    [Function(FunctionNames.GetSubscription)]
    public Task<IResult> GetSubscription([HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Subscription)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.GetSubscription, request);

    [Function(FunctionNames.PutSubscription)]
    public Task<IResult> PutSubscription([HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.Subscription)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.PutSubscription, request);

    [Function(FunctionNames.DeleteSubscription)]
    public Task<IResult> DeleteSubscription([HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.Subscription)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.DeleteSubscription, request);

    [Function(FunctionNames.RotateSubscriptionSecret)]
    public Task<IResult> RotateSubscriptionSecret([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.SubscriptionSecret)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.RotateSubscriptionSecret, request);

    [Function(FunctionNames.TestSubscription)]
    public Task<IResult> TestSubscription([HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.SubscriptionTest)] HttpRequest request) =>
        endpoints.InvokeAsync(FunctionNames.TestSubscription, request);
}
