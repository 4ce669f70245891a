import LoomCLI

await LoomCLI.main()
