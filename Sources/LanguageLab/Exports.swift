// `import LanguageLab` is enough to use the lab's models: the GPT, tensors and seeded generators
// come with it.
@_exported import NumericCore
