using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NumberTrust.Simulator;

/// <summary>
/// The simulator's control surface over HTTP, for benchmarks and other processes:
/// <c>POST /_sim/script</c> <c>{"platform":"*","number":"+8613800138000","script":{"phases":[{"afterLookups":0,"label":{"text":"骚扰电话","count":12}}]}}</c>;
/// <c>POST /_sim/appeal</c> <c>{"platform":"qihoo360","number":"…"}</c>;
/// <c>POST /_sim/faults</c> <c>{"platform":"baidu","fault":{"kind":"Captcha","count":3}}</c>; <c>DELETE /_sim/faults[?platform=]</c>;
/// <c>POST /_sim/reset</c>; <c>GET /_sim/stats</c>; <c>GET /_sim/config</c> (the adapter configuration).
/// </summary>
internal static class SimulatorControlApi
{
    public sealed record ScriptRequest(string Platform, string Number, NumberScript Script);

    public sealed record AppealRequest(string Platform, string Number);

    public sealed record FaultRequest(string Platform, FaultSpec Fault);

    public static async Task HandleAsync(PlatformSimulator simulator, HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        try
        {
            switch (path)
            {
                case "/_sim/script" when HttpMethods.IsPost(method):
                    var script = await ReadAsync<ScriptRequest>(context);
                    simulator.Script(script.Platform, script.Number, script.Script);
                    context.Response.StatusCode = 204;
                    break;
                case "/_sim/appeal" when HttpMethods.IsPost(method):
                    var appeal = await ReadAsync<AppealRequest>(context);
                    simulator.MarkAppealed(appeal.Platform, appeal.Number);
                    context.Response.StatusCode = 204;
                    break;
                case "/_sim/faults" when HttpMethods.IsPost(method):
                    var fault = await ReadAsync<FaultRequest>(context);
                    simulator.InjectFault(fault.Platform, fault.Fault);
                    context.Response.StatusCode = 204;
                    break;
                case "/_sim/faults" when HttpMethods.IsDelete(method):
                    var platform = context.Request.Query["platform"].ToString();
                    simulator.ClearFaults(platform.Length == 0 ? null : platform);
                    context.Response.StatusCode = 204;
                    break;
                case "/_sim/reset" when HttpMethods.IsPost(method):
                    simulator.Reset();
                    context.Response.StatusCode = 204;
                    break;
                case "/_sim/stats" when HttpMethods.IsGet(method):
                    await WriteAsync(context, simulator.Stats());
                    break;
                case "/_sim/requests" when HttpMethods.IsGet(method):
                    await WriteAsync(context, simulator.RequestLog(context.Request.Query["platform"].ToString()));
                    break;
                case "/_sim/config" when HttpMethods.IsGet(method):
                    await WriteAsync(context, simulator.AdapterConfiguration());
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpContext context) =>
        await JsonSerializer.DeserializeAsync<T>(context.Request.Body, PlatformSimulator.Json, context.RequestAborted)
        ?? throw new JsonException("Empty body.");

    private static async Task WriteAsync<T>(HttpContext context, T value)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, PlatformSimulator.Json, context.RequestAborted);
    }
}
