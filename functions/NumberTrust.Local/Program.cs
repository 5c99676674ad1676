using NumberTrust.Local;
using NumberTrust.Local.Demo;

var builder = WebApplication.CreateBuilder(args);
await builder.AddDemoAsync(CancellationToken.None);
builder.AddNumberTrustLocalHost();
var app = builder.Build();
app.UseNumberTrustLocalHost();
await app.RunAsync();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
