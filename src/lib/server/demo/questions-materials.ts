/** Demo questions: materials science. Original text written for Concord. */
import type { DemoQuestion } from './types';
import { padded } from './verbose';

export const materialsQuestions: DemoQuestion[] = [
	{
		id: 'mat-01',
		category: 'materials-science',
		tags: ['steel', 'metallurgy', 'hardness'],
		turns: ['Why does adding carbon to iron make it harder?'],
		answers: {
			'atlas-large': [
				`Carbon atoms are small enough to sit in the **interstitial** sites between iron atoms. There they distort the lattice and pin dislocations, so plastic deformation needs more stress (**solid-solution strengthening**). Carbon also forms hard **cementite** (Fe₃C), which appears as pearlite lamellae that block dislocation motion.

The largest effect comes with heat treatment: quenching austenite traps carbon in a strained body-centred tetragonal structure, **martensite**, which is very hard and brittle; tempering then trades some hardness for toughness. More carbon means harder martensite, up to roughly 0.8 wt%.`
			],
			'brisk-small': ['Carbon is harder than iron, so mixing it in makes the steel harder.'],
			'verbose-tuned': [
				padded(
					`Steel is an alloy of iron and carbon, and the amount of carbon has a very large effect on its properties. To understand why carbon makes iron harder, we need to look at the atomic structure.

Iron atoms are arranged in a crystal lattice. When a metal deforms plastically, it does so by the movement of defects called dislocations through this lattice. Anything that makes it harder for dislocations to move makes the metal stronger and harder.

Carbon atoms are much smaller than iron atoms, so they fit into the gaps, or interstitial sites, between the iron atoms. This distorts the lattice and makes it harder for dislocations to move. In addition, carbon can combine with iron to form iron carbide, also called cementite, which is a very hard compound.

Furthermore, when steel with enough carbon is heated and then rapidly cooled (quenched), it can form a structure called martensite, which is extremely hard. This is the basis of many heat treatment processes used in industry.`,
					23
				)
			]
		}
	},
	{
		id: 'mat-02',
		category: 'materials-science',
		tags: ['crystallography', 'density', 'calculation'],
		turns: [
			'Compute the theoretical density of copper. It is FCC with lattice parameter a = 0.3615 nm and molar mass 63.55 g/mol.'
		],
		reference: [
			'FCC has 4 atoms per unit cell. ρ = nA / (a³ N_A) = 4 × 63.55 / ((3.615 × 10⁻⁸ cm)³ × 6.022 × 10²³) ≈ 254.2 / 28.45 ≈ 8.94 g/cm³ (measured: 8.96 g/cm³).'
		],
		answers: {
			'atlas-large': [
				`An FCC cell contains $n = 4$ atoms, so

$$\\rho = \\frac{n A}{a^3 N_A} = \\frac{4 \\times 63.55\\ \\text{g/mol}}{(3.615 \\times 10^{-8}\\ \\text{cm})^3 \\times 6.022 \\times 10^{23}\\ \\text{mol}^{-1}}$$

With $a^3 = 4.724 \\times 10^{-23}\\ \\text{cm}^3$: $\\rho = 254.2 / 28.45 \\approx$ **8.94 g/cm³**, close to the measured 8.96 g/cm³.`
			],
			'brisk-small': ['Using 2 atoms per cell: about 4.47 g/cm³.'],
			'verbose-tuned': [
				padded(
					`To calculate the theoretical density of a crystalline material, we use the following formula:

$$\\rho = \\frac{n A}{V_c N_A}$$

where:
- $n$ is the number of atoms per unit cell,
- $A$ is the molar mass,
- $V_c$ is the volume of the unit cell, and
- $N_A$ is Avogadro's number, $6.022 \\times 10^{23}$ per mole.

Copper has a face-centred cubic (FCC) structure. In an FCC unit cell, there are 8 corner atoms, each shared by 8 cells, and 6 face atoms, each shared by 2 cells. That gives $8 \\times 1/8 + 6 \\times 1/2 = 4$ atoms per unit cell.

The volume of the cubic unit cell is $a^3$. Converting 0.3615 nm to centimetres gives $3.615 \\times 10^{-8}$ cm, so $V_c = 4.724 \\times 10^{-23}\\ \\text{cm}^3$.

Plugging in: $\\rho = (4 \\times 63.55) / (4.724 \\times 10^{-23} \\times 6.022 \\times 10^{23}) = 254.2 / 28.45 \\approx 8.94$ g/cm³.

This agrees very well with the experimentally measured density of copper, which is about 8.96 g/cm³.`,
					24
				)
			]
		}
	},
	{
		id: 'mat-03',
		category: 'materials-science',
		tags: ['polymers', 'glass-transition'],
		turns: [
			'What is the glass transition temperature of a polymer?',
			'How does adding a plasticizer change the Tg of PVC, and why?'
		],
		answers: {
			'atlas-large': [
				'The glass transition temperature, **Tg**, is the temperature range in which the amorphous regions of a polymer change from a hard, glassy state to a soft, rubbery one, because chain segments gain enough thermal energy for cooperative motion. It is not a melting point: there is no latent heat, but heat capacity, thermal expansion and modulus change sharply (the modulus can drop by about three orders of magnitude).',
				'A plasticizer **lowers Tg**. Its small molecules sit between the PVC chains, increase free volume and screen the polar C–Cl interactions between chains, so segments can move at lower temperatures. Rigid PVC has a Tg around 80 °C; with enough plasticizer (e.g. a phthalate or citrate ester) Tg falls below room temperature, which is why flexible PVC for cables and flooring is soft.'
			],
			'brisk-small': ['It is the temperature where the polymer melts.', 'Plasticizer raises Tg so PVC gets harder.'],
			'verbose-tuned': [
				padded(
					`The glass transition temperature, usually abbreviated as Tg, is one of the most important properties of a polymer. Below Tg, the polymer is hard and brittle, like glass. Above Tg, it becomes soft and flexible, like rubber.

This happens because, at low temperatures, the polymer chains are frozen in place and cannot move. As the temperature increases, the chains gain energy and start to move more freely. The glass transition applies to the amorphous (non-crystalline) parts of the polymer.

It is important not to confuse the glass transition temperature with the melting temperature. Melting applies to crystalline regions and involves a change of phase, while the glass transition is a change in the mobility of the chains.`,
					25
				),
				padded(
					`Adding a plasticizer to PVC lowers its glass transition temperature. Plasticizers are small molecules that get in between the polymer chains. By doing so, they push the chains apart and reduce the attractive forces between them. This makes it easier for the chains to move, which means the polymer becomes flexible at lower temperatures.

Unplasticized PVC is rigid at room temperature, and it is used for products like pipes and window frames. Plasticized PVC is flexible and is used for products like cable insulation, flooring and hoses.

This is a good example of how the properties of a polymer can be tailored by using additives.`,
					26
				)
			]
		}
	},
	{
		id: 'mat-04',
		category: 'materials-science',
		tags: ['fracture', 'failure-analysis', 'fractography'],
		turns: ['How can you tell ductile from brittle fracture when looking at a broken metal part?'],
		answers: {
			'atlas-large': [
				`| | Ductile | Brittle |
|---|---|---|
| Deformation before failure | Visible necking, bending, elongation | Little or none; pieces fit back together |
| Macro surface | Dull, fibrous; cup-and-cone in tension, shear lips | Bright, granular, flat, perpendicular to the load |
| Features | — | Chevron or river marks pointing back to the origin |
| Under SEM | **Dimples** from microvoid coalescence | **Cleavage facets** (transgranular) or grain faces (intergranular) |

Check the macro view first — the chevrons locate the initiation site, which is where you look for the cause (a notch, inclusion or fatigue crack).`
			],
			'brisk-small': ['Brittle fractures are rough and ductile ones are smooth.'],
			'verbose-tuned': [
				padded(
					`Fractography, the study of fracture surfaces, is a powerful tool in failure analysis. There are two main types of fracture in metals: ductile fracture and brittle fracture.

Ductile fracture occurs after significant plastic deformation. The part often shows necking, where it becomes thinner before breaking. The fracture surface usually looks dull and fibrous. In a tensile test, ductile metals often show a characteristic "cup and cone" shape. Under a scanning electron microscope, the surface shows small dimples, which form when microscopic voids grow and join together.

Brittle fracture occurs with little or no plastic deformation. The fracture surface is usually flat, bright and grainy. It may show chevron patterns that point back to where the crack started. Under a microscope, brittle fractures show flat cleavage facets or, in some cases, the faces of individual grains.

By looking at these features, engineers can determine how a part failed, which helps them prevent similar failures in the future.`,
					27
				)
			]
		}
	},
	{
		id: 'mat-05',
		category: 'materials-science',
		tags: ['strengthening', 'grain-size'],
		turns: ['State the Hall–Petch relation and explain what it means for grain size.'],
		reference: [
			'σ_y = σ_0 + k_y d^(-1/2): the yield strength rises with the inverse square root of the average grain diameter, because grain boundaries block dislocation motion and smaller grains mean shorter pile-ups. It breaks down at very small grain sizes (roughly below 10–20 nm), where grain-boundary sliding takes over (inverse Hall–Petch).'
		],
		answers: {
			'atlas-large': [
				`$$\\sigma_y = \\sigma_0 + k_y\\, d^{-1/2}$$

where $\\sigma_y$ is the yield strength, $\\sigma_0$ the friction stress of the lattice, $k_y$ a material constant and $d$ the mean grain diameter.

Grain boundaries stop dislocations; smaller grains hold shorter dislocation pile-ups, which concentrate less stress on the next grain, so more applied stress is needed to continue slip. Refining grains therefore **raises strength and usually toughness** at the same time — rare among strengthening methods. The relation fails below roughly 10–20 nm, where grain-boundary sliding softens the material (*inverse Hall–Petch*).`
			],
			'brisk-small': ['Bigger grains make metals stronger because there are fewer boundaries to break.'],
			'verbose-tuned': [
				padded(
					`The Hall–Petch relation describes how the yield strength of a polycrystalline material depends on its grain size. It is written as:

$$\\sigma_y = \\sigma_0 + \\frac{k_y}{\\sqrt{d}}$$

In this equation, $\\sigma_y$ is the yield strength, $\\sigma_0$ is a material constant representing the resistance of the lattice to dislocation motion, $k_y$ is the strengthening coefficient, and $d$ is the average grain diameter.

What this means in practice is that as the grain size gets smaller, the yield strength gets larger. The reason is that grain boundaries act as obstacles to the movement of dislocations. When a material has smaller grains, it has more grain boundaries, and therefore more obstacles.

Engineers take advantage of this relationship through processes such as controlled rolling and heat treatment to produce fine-grained materials. It should be noted that at extremely small grain sizes, in the nanometre range, the relationship no longer holds.`,
					28
				)
			]
		}
	},
	{
		id: 'mat-06',
		category: 'materials-science',
		tags: ['photovoltaics', 'perovskites', 'stability'],
		turns: ['Why are perovskite solar cells still less stable than silicon cells?'],
		answers: {
			'atlas-large': [
				`Halide perovskites such as MAPbI₃ are ionic, soft crystals, which makes them degrade along several paths:

- **Moisture and oxygen**: water hydrates the lattice and decomposes it toward PbI₂; oxygen plus light forms superoxide that attacks the organic cation.
- **Heat**: volatile organic cations (methylammonium) leave at moderate temperatures; formamidinium/caesium mixes are more robust.
- **Ion migration**: halide ions and vacancies move under electric field and light, causing hysteresis, phase segregation in mixed-halide films and reactions with metal electrodes.
- **Interfaces and contacts**: transport layers and dopants (e.g. hygroscopic Li salts) degrade or react.

Mitigations include compositional engineering, 2D/3D passivation layers, inorganic transport layers, and encapsulation — but matching silicon's 25-year field record remains unproven.`
			],
			'brisk-small': ['Because they are made of plastic.'],
			'verbose-tuned': [
				padded(
					`Perovskite solar cells have attracted enormous attention from researchers because their efficiency has increased very rapidly. However, their long-term stability remains one of the biggest challenges preventing widespread commercialisation.

There are several reasons for their lower stability:
1. **Sensitivity to moisture:** Many perovskite materials react with water, which causes them to decompose.
2. **Sensitivity to heat:** Some components, especially organic cations, can become unstable at elevated temperatures.
3. **Sensitivity to light and oxygen:** The combination of light and oxygen can cause chemical degradation.
4. **Ion migration:** Ions inside the perovskite can move when the cell is operating, which can change its properties over time.
5. **Interface issues:** The layers in contact with the perovskite can also degrade or react with it.

By contrast, silicon is a very stable material that has been used in solar cells for decades.

Researchers are working on many solutions, such as new compositions, protective layers and better encapsulation, and progress is being made.`,
					29
				)
			]
		}
	},
	{
		id: 'mat-07',
		category: 'materials-science',
		tags: ['xrd', 'crystallography', 'calculation'],
		turns: [
			'An XRD scan with Cu Kα radiation (λ = 0.15406 nm) shows a strong peak at 2θ = 43.3°. What is the d-spacing?',
			'If this is the (111) reflection of an FCC metal, what is its lattice parameter? Which metal could it be?',
			'In a second sample the same peak appears at a slightly lower angle. What could cause that?'
		],
		reference: [
			'θ = 21.65°, sin θ ≈ 0.3689; d = λ / (2 sin θ) = 0.15406 / 0.7379 ≈ 0.2088 nm.',
			'For cubic crystals a = d √(h² + k² + l²) = 0.2088 × √3 ≈ 0.3616 nm, which matches copper (a ≈ 0.3615 nm).',
			'A lower angle means a larger d-spacing: lattice expansion from alloying with larger atoms (e.g. Zn in brass), residual tensile strain in the measured direction, or higher temperature; instrumental causes such as sample displacement can also shift peaks.'
		],
		answers: {
			'atlas-large': [
				`Bragg's law with $n = 1$: $\\lambda = 2 d \\sin\\theta$, and $\\theta = 43.3° / 2 = 21.65°$.

$$d = \\frac{0.15406}{2 \\sin 21.65°} = \\frac{0.15406}{0.7379} \\approx 0.2088\\ \\text{nm}$$`,
				`For a cubic lattice $d_{hkl} = a / \\sqrt{h^2 + k^2 + l^2}$, so

$$a = 0.2088 \\times \\sqrt{3} \\approx 0.3616\\ \\text{nm}$$

That matches **copper** (a = 0.3615 nm); the Cu (111) peak indeed sits at 2θ ≈ 43.3° with Cu Kα.`,
				`A lower angle means a **larger d-spacing**:

- **alloying** with larger atoms — zinc (brass) or tin (bronze) expands the copper lattice (Vegard's law);
- **tensile residual strain** along the scattering vector;
- **higher measurement temperature** (thermal expansion);
- an **instrumental** error: sample surface below the focusing circle (displacement) shifts peaks too — check with an internal standard such as Si powder.`
			],
			'brisk-small': [
				'd = 0.15406 / sin(43.3°) = 0.224 nm.',
				'a = 0.224 nm, it is aluminium.',
				'The peak moves because the sample is smaller.'
			],
			'verbose-tuned': [
				padded(
					`To find the d-spacing, we use Bragg's law, which relates the wavelength of the X-rays, the spacing between crystal planes, and the angle at which diffraction occurs:

$$n\\lambda = 2 d \\sin\\theta$$

In XRD, the detector angle is 2θ, so θ is half of 43.3°, which is 21.65°. Assuming first-order diffraction (n = 1), we rearrange to get $d = \\lambda / (2 \\sin\\theta)$.

The sine of 21.65° is about 0.3689. Multiplying by 2 gives 0.7379. Dividing 0.15406 nm by 0.7379 gives approximately **0.2088 nm**.`,
					30
				),
				padded(
					`For a cubic crystal, the relationship between the d-spacing and the lattice parameter a is $d = a / \\sqrt{h^2 + k^2 + l^2}$. For the (111) reflection, $h^2 + k^2 + l^2 = 3$, so $a = d \\times \\sqrt{3}$.

Calculating: 0.2088 nm × 1.732 = approximately 0.3616 nm.

A lattice parameter of about 0.3615 nm corresponds to copper, which has an FCC structure. So the metal is very likely copper.`,
					31
				),
				padded(
					`If the peak appears at a slightly lower angle, it means that the d-spacing is slightly larger, according to Bragg's law. There are several possible reasons:
- The material may be alloyed with another element that has larger atoms, which expands the lattice.
- The sample may contain residual stress, which changes the spacing of the planes.
- The temperature during the measurement may be higher, causing thermal expansion.
- There may be an experimental error, such as the sample not being positioned at the correct height.

To distinguish between these, you could use a reference standard and compare several peaks.`,
					32
				)
			]
		}
	},
	{
		id: 'mat-08',
		category: 'materials-science',
		tags: ['corrosion', 'galvanizing'],
		turns: ['Why does galvanized steel keep resisting rust even where the zinc coating is scratched?'],
		answers: {
			'atlas-large': [
				'Zinc is **more electrochemically active** than iron. Where a scratch exposes steel, moisture forms a galvanic cell: zinc becomes the **anode** and corrodes, while the exposed steel becomes the **cathode** and is protected (*sacrificial* or cathodic protection). This works over a few millimetres from the coating edge as long as there is an electrolyte and zinc left. In addition, zinc corrosion products (carbonates, hydroxides) form a dense layer that slows further attack of the coating itself.'
			],
			'brisk-small': ['The zinc coating grows back over the scratch.'],
			'verbose-tuned': [
				padded(
					`Galvanizing is the process of coating steel with a layer of zinc, and it is one of the most common and effective ways to protect steel from corrosion.

The zinc coating protects the steel in two main ways. First, it acts as a physical barrier that prevents water and oxygen from reaching the steel. Second, and more importantly for your question, it provides what is known as sacrificial or cathodic protection.

Zinc is more reactive than iron, which means that it has a greater tendency to give up electrons. When the coating is scratched and the steel is exposed, and water is present, an electrochemical cell forms. In this cell, the zinc acts as the anode and corrodes preferentially, while the steel acts as the cathode and is protected from corrosion.

This is why even scratched galvanized steel continues to resist rust, at least until the nearby zinc has been consumed.`,
					33
				)
			]
		}
	}
];
