/// <summary>CPU time of the emulator's processes, so benchmarks can split a run's cost between the host and Azurite.</summary>
internal static class AzuriteCpu
{
    extension(AzuriteProcess azurite)
    {
        /// <summary>CPU time (user and kernel) of all of Azurite's processes so far.</summary>
        public TimeSpan CpuTime => azurite.ProcessIds.Values.Aggregate(TimeSpan.Zero, (sum, id) => sum + Of(id));

        public bool SeparateServices => azurite.ProcessIds.Count > 1;

        /// <summary>CPU time of the process serving <paramref name="service"/>; with one process for all services, that process's.</summary>
        public TimeSpan ServiceCpuTime(string service) =>
            Of(azurite.ProcessIds.TryGetValue(service, out var id) ? id : azurite.ProcessIds["all"]);
    }

    private static TimeSpan Of(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero; // exited
        }
    }
}
