using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NumberTrust.Hosting;
using NumberTrust.Numbers;

namespace NumberTrust.Functions.Numbers;

/// <summary>HTTP triggers of the number registry; all logic lives in <see cref="NumbersApi"/> and <see cref="ImportApi"/>.</summary>
public sealed class NumbersFunctions(NumbersApi numbers, ImportApi import)
{
    [Function(nameof(PutNumber))]
    public async Task<IResult> PutNumber(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = ApiRoutes.Number)] HttpRequest request, string number,
        CancellationToken cancellationToken) =>
        await numbers.PutAsync(request, number, cancellationToken);

    [Function(nameof(GetNumber))]
    public async Task<IResult> GetNumber(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Number)] HttpRequest request, string number,
        CancellationToken cancellationToken) =>
        await numbers.GetAsync(request, number, cancellationToken);

    [Function(nameof(ListNumbers))]
    public async Task<IResult> ListNumbers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Numbers)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await numbers.ListAsync(request, cancellationToken);

    [Function(nameof(DeleteNumber))]
    public async Task<IResult> DeleteNumber(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = ApiRoutes.Number)] HttpRequest request, string number,
        CancellationToken cancellationToken) =>
        await numbers.DeleteAsync(request, number, cancellationToken);

    [Function(nameof(ImportNumbers))]
    public async Task<IResult> ImportNumbers(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ApiRoutes.NumbersImport)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await import.ImportAsync(request, cancellationToken);
}
