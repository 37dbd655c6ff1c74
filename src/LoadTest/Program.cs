using System.CommandLine;
using Switchboard.LoadTest;

var root = new RootCommand("Switchboard load tool: many concurrent senders against POST /twilio/sms (loopback or your own deployment only).")
{
    RunCommand.Create(LoadTestApp.RunAsync),
    StorageProxyCommand.Create(),
    StorageTurnsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
