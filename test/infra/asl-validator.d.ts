// asl-validator 4 ships no type declarations: the one call the bulk-import test makes.
declare module 'asl-validator' {
  export default function validator(definition: unknown): { isValid: boolean; errors: unknown[] };
}
