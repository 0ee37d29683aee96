// Renders the function registry as the Markdown table in docs/sql.md (`yunhe --function-reference`);
// a shell test checks the document against it so the reference never drifts from the code.
#pragma once
#include <string>

namespace yunhe {
std::string FunctionReferenceMarkdown();
}
